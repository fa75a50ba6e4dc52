/** A tiny counting semaphore (p-limit is not a dependency). FIFO, no priorities. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`semaphore size must be a positive integer, got ${max}`);
  }
  get inFlight(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiters.length;
  }
  private async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    // the releasing side handed its slot over: `active` was not decremented
  }
  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export const unlimited: Limiter = (fn) => fn();

/** Runs through each limiter in order (outermost first). Acquire per-vault before global so a global slot is never held while waiting. */
export function chain(...limiters: (Semaphore | Limiter | undefined)[]): Limiter {
  const ls = limiters
    .filter(Boolean)
    .map((l) => (l instanceof Semaphore ? <T>(f: () => Promise<T>) => l.run(f) : (l as Limiter)));
  return <T>(fn: () => Promise<T>) => ls.reduceRight<() => Promise<T>>((inner, l) => () => l(inner), fn)();
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, results in input order. Unlike Promise.all over
 * items.map(fn), pending work is not created up front: a vault with thousands of objects holds `limit` pending calls,
 * not thousands. The first failure rejects and no further item is started (calls in flight finish on their own).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
