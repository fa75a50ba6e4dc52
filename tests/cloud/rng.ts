// Deterministic pseudo-random helpers for the estate generator (no Math.random anywhere in generated data).

/** 32-bit FNV-1a over a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type Rng = {
  /** float in [0,1) */
  next(): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(arr: readonly T[]): T;
  chance(p: number): boolean;
  hex(chars: number): string;
  guid(): string;
  /** base62-ish token */
  token(len: number): string;
};

/** sfc32 seeded from a string key (seed + path parts). */
export function rng(...parts: (string | number)[]): Rng {
  const key = parts.join("/");
  let a = hash32(key),
    b = hash32(key + "#b"),
    c = hash32(key + "#c"),
    d = hash32(key + "#d") | 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const HEX = "0123456789abcdef";
  const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const r: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    hex: (n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += HEX[Math.floor(next() * 16)];
      return s;
    },
    guid: () => {
      const h = r.hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[Math.floor(next() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    token: (n) => {
      let s = "";
      for (let i = 0; i < n; i++) s += ALNUM[Math.floor(next() * ALNUM.length)];
      return s;
    },
  };
  return r;
}
