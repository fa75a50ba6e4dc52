/**
 * node-postgres's Client with `query()` answered through its callback form. pg 8's promise form (what drizzle calls
 * inside a transaction, on a pooled client) cost twice the CPU of the callback form reading the same rows, almost all
 * of it in the young-generation collector: ~170 MB promoted per 100k rows against ~8 MB (measured with
 * `--trace-gc-nvp`, docs/benchmarks.md "Compliance evaluation"). `pool.query()` already takes the callback path;
 * this makes a transaction's queries do the same. Submittables (cursors, streams) and explicit callbacks go through
 * unchanged.
 */
import pg from "pg";

export class CallbackClient extends pg.Client {}

const baseQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;

// assigned rather than declared: pg's query() has a dozen overloads, and this keeps its runtime contract for all
Object.defineProperty(CallbackClient.prototype, "query", {
  configurable: true,
  writable: true,
  value: function query(this: pg.Client, config: unknown, values?: unknown, callback?: unknown): unknown {
    const submittable = typeof (config as { submit?: unknown } | null)?.submit === "function";
    const hasCallback =
      typeof callback === "function" ||
      typeof values === "function" ||
      typeof (config as { callback?: unknown } | null)?.callback === "function";
    if (submittable || hasCallback) return baseQuery.call(this, config, values, callback);
    return new Promise((resolve, reject) =>
      baseQuery.call(this, config, values, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))),
    ).catch((err: Error) => {
      // as pg's own promise form does: a stack that leads back to the caller, not to the socket read (measured: this
      // is not what made that form costly)
      Error.captureStackTrace(err);
      throw err;
    });
  },
});
