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
  const ls = limiters.filter(Boolean).map((l) => (l instanceof Semaphore ? <T,>(f: () => Promise<T>) => l.run(f) : (l as Limiter)));
  return <T,>(fn: () => Promise<T>) => ls.reduceRight<() => Promise<T>>((inner, l) => () => l(inner), fn)();
}
