import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { expect, test } from "vitest";
import { freePort } from "../../support/app-server";

// A test chooses a port, frees it, and starts something that binds it a few seconds later. Meanwhile the demo's local
// cloud and identity provider — and every other test file's servers and outgoing connections — take ephemeral ports
// (listen(0), connect). A port chosen inside that range was taken in that gap once (CI, 2026-12-03: the demo's console
// failed with EADDRINUSE), so the chosen port must lie outside it.
test("a free port is one the kernel never hands out on its own", async () => {
  const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) {
    expect(port < low || port > high, `port ${port} is in the ephemeral range ${low}–${high}`).toBe(true);
    expect(port).toBeGreaterThan(1023);
    // and it is free: it can be bound
    await new Promise<void>((resolve, reject) => {
      const srv = createServer().once("error", reject);
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
    });
  }
});
