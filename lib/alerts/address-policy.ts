/**
 * Which addresses an alert channel may reach. Loopback, private, link-local (incl. cloud metadata at 169.254.169.254),
 * carrier-grade NAT, unique-local and unspecified addresses are refused unless the configuration's allow-list names
 * the host or a range holding the address (ALERTS_OUTBOUND_ALLOW; the demo and tests allow 127.0.0.1/32).
 */
import { BlockList, isIP } from "node:net";

const refused = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  refused.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["fd00:ec2::", 32],
] as const)
  refused.addSubnet(net, bits, "ipv6");

function family(ip: string): "ipv4" | "ipv6" {
  return isIP(ip) === 6 ? "ipv6" : "ipv4";
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

export function isRefusedAddress(ip: string): boolean {
  const a = unmapped(ip);
  return refused.check(a, family(a));
}

function allowList(entries: readonly string[]): { hosts: Set<string>; nets: BlockList } {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split("/");
    if (isIP(addr)) nets.addSubnet(addr, bits ? Number(bits) : isIP(addr) === 6 ? 128 : 32, family(addr));
    else hosts.add(e.toLowerCase());
  }
  return { hosts, nets };
}

/** Null when `host` (as typed) resolving to `ip` may be reached, else why not. */
export function addressRefusal(host: string, ip: string, allow: readonly string[]): string | null {
  if (!isRefusedAddress(ip)) return null;
  const { hosts, nets } = allowList(allow);
  const a = unmapped(ip);
  if (hosts.has(host.toLowerCase().replace(/^\[|\]$/g, "")) || nets.check(a, family(a))) return null;
  return `${host} resolves to ${a}, a loopback, private, link-local or metadata address (allow it with ALERTS_OUTBOUND_ALLOW)`;
}

/** A host the allow-list names, for the "HTTPS required in production" exception (a receiver on the same machine). */
export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  const { hosts, nets } = allowList(allow);
  return hosts.has(h) || (isIP(h) > 0 && nets.check(unmapped(h), family(unmapped(h))));
}
