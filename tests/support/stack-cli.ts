/**
 * Runs startStack() in its own process (with NODE_EXTRA_CA_CERTS set before Node starts, as the local cloud's
 * TLS needs). Options come as JSON in STACK_OPTIONS; prints `STACK_READY <json>` when serving; stops on SIGTERM.
 */
import { startStack } from "./stack";

async function main() {
  const opts = JSON.parse(process.env.STACK_OPTIONS ?? "{}");
  const stack = await startStack(opts);
  process.stdout.write(`STACK_READY ${JSON.stringify({ url: stack.app.url, env: stack.env })}\n`);
  const stop = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  process.stderr.write(`stack failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
