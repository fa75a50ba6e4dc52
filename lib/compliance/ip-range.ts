/**
 * Azure Policy's ipRangeContains(range, target) for IPv4 addresses and CIDR ranges (what a Key Vault firewall rule
 * holds): true when every address of `target` is inside `range`. Undefined when either is not IPv4 (Azure Policy
 * refuses mixed or malformed values too; the rule then answers "unknown" rather than guess).
 */
interface Span {
  first: number;
  last: number;
}

function span(text: string): Span | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const first = Math.floor(address / size) * size;
  return { first, last: first + size - 1 };
}

export function ipRangeContains(range: string, target: string): boolean | undefined {
  const r = span(range);
  const t = span(target);
  if (!r || !t) return undefined;
  return r.first <= t.first && t.last <= r.last;
}
