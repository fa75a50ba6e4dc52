import http from "node:http";

/** The header the request gate marks a prepared request with; proxy.ts's matcher skips requests that carry it. */
export const GATE_HEADER = "x-cc-gate";

/** Set on globalThis once the gate is installed (lib/web/request-gate.ts). */
export const GATE_STATE_KEY = "__ccRequestGate";

const gateInstalled = () => GATE_STATE_KEY in globalThis;

/**
 * The gate is installed by instrumentation.ts, which Next.js runs after its server started listening. A request that
 * arrives before then must not skip the proxy with a mark of its own: this removes any mark from the first request on.
 * server.js loads it before Next.js (infra/build/complete-standalone.mjs); once the gate is installed it does nothing,
 * since the gate removes client marks itself and must keep its own.
 */
export function installMarkStripper(): void {
  const g = globalThis as { __ccMarkStripper?: boolean };
  if (g.__ccMarkStripper) return;
  g.__ccMarkStripper = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && !gateInstalled()) delete (args[0] as http.IncomingMessage).headers[GATE_HEADER];
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}
