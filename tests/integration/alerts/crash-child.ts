// Child process for crash.test.ts: raises one alert (the outbox row commits with the event), says so, and then hangs
// until it is killed — the process dies between the outbox write and any delivery.
import { emitAlert } from "@/lib/alerts";
import { systemCtx } from "@/lib/context";
import { withTransaction } from "@/lib/db/transaction";

async function main() {
  await withTransaction(systemCtx("rotation"), (tx) =>
    emitAlert(tx, {
      type: "rotation.failed",
      itemKey: "rotation:crash",
      title: "Rotation of crash-secret failed",
      summary: "The new version could not be written.",
      data: { rotationId: "rot-crash", assetName: "crash-secret", vault: "kv-prod-1" },
    }),
  );
  process.stdout.write("committed\n");
  setInterval(() => undefined, 1000);
}

void main();
