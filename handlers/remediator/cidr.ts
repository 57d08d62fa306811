// Address arithmetic for deciding whether ingress sources add up to "the whole internet": a CIDR
// parsed to a numeric range (any spelling EC2 may keep: "0::0/0", "0:0:0:0:0:0:0:0/0"), whether
// a set of ranges covers an address family, and whether a range is private address space.
// Hand-written (about 60 lines of BigInt) rather than a dependency: node's net.isIPv4/isIPv6
// validate the syntax, and only the prefix arithmetic is needed here.
import { isIPv4, isIPv6 } from "net";

export type Family = "ipv4" | "ipv6";

export interface Range {
  family: Family;
  first: bigint;
  last: bigint;
  prefix: number;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function ipv4ToBigInt(ip: string): bigint {
  return ip.split(".").reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** The range of a CIDR ("10.0.0.0/8", "::/0"), or undefined when it is not one. */
export function parseCidr(cidr: unknown): Range | undefined {
  if (typeof cidr !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  const family: Family | undefined = isIPv4(m[1]) ? "ipv4" : isIPv6(m[1]) ? "ipv6" : undefined;
  if (!family) return undefined;
  const prefix = Number(m[2]);
  const bits = BITS[family];
  if (prefix > bits) return undefined;
  const addr = family === "ipv4" ? ipv4ToBigInt(m[1]) : ipv6ToBigInt(m[1]);
  const size = 1n << BigInt(bits - prefix);
  const first = addr - (addr % size);
  return { family, first, last: first + size - 1n, prefix };
}

/** True for a CIDR spanning its whole address family: 0.0.0.0/0, ::/0 and every spelling of them. */
export function isWholeFamily(cidr: unknown): boolean {
  return parseCidr(cidr)?.prefix === 0;
}

/** True when the ranges (all of one family) together cover every address of the family. */
export function coversFamily(ranges: Range[], family: Family): boolean {
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.first < b.first ? -1 : 1));
  let next = 0n;
  for (const r of sorted) {
    if (r.first > next) return false;
    if (r.last + 1n > next) next = r.last + 1n;
  }
  return next === 1n << BigInt(BITS[family]);
}

// Address space that is not reachable from the internet: RFC 1918, RFC 6598 (carrier-grade NAT),
// loopback and link-local (RFC 1122, RFC 3927); IPv6 unique local (RFC 4193), link-local and
// loopback (RFC 4291).
const PRIVATE = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "fc00::/7",
  "fe80::/10",
  "::1/128",
].map((c) => parseCidr(c) as Range);

/** True when the whole range lies inside private address space. */
export function isPrivate(r: Range): boolean {
  return PRIVATE.some((p) => p.family === r.family && p.first <= r.first && r.last <= p.last);
}
