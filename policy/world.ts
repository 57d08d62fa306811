// What counts as "the world" as a source of ingress: one definition for the remediator, the
// notifier and the CloudTrail source. policy/world.ts is a byte-for-byte copy (the policy pack is
// copied on its own into the engine's workspace and may import nothing outside policy/); a test
// keeps the two identical and checks they agree on random ranges. Node builtins only.
import { isIPv4, isIPv6 } from "net";

export type Family = "ipv4" | "ipv6";

export interface Range {
  family: Family;
  first: bigint;
  last: bigint;
  prefix: number;
}

/** Longest prefix, per family, of a source range that still counts as the world. */
export interface WorldPrefixes {
  ipv4: number;
  ipv6: number;
}

// IPv4 /8: a /8 is 1/256 of the internet (16.7 million addresses), far beyond any one
// organisation's egress; nobody means "our office" by it. IPv6 /16: every RIR allocation and ISP
// block is /12-/32, so /16 and wider spans many networks of unrelated owners (providers get /32).
export const DEFAULT_WORLD_PREFIXES: Readonly<WorldPrefixes> = { ipv4: 8, ipv6: 16 };

export const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

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

/** The range of a CIDR ("10.0.0.0/8", "::/0", "0::0/0"), or undefined when it is not one. */
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

// Address space that is not reachable from the internet: RFC 1918, RFC 6598 (carrier-grade NAT),
// loopback and link-local (RFC 1122, RFC 3927); IPv6 unique local (RFC 4193), link-local and
// loopback (RFC 4291). SSH from 10.0.0.0/8 (a whole VPC range) is a private rule, not the world.
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

// The IPv6 global unicast space (RFC 4291 2.4, IANA): every routable IPv6 address today.
const GLOBAL_UNICAST = parseCidr("2000::/3") as Range;

/**
 * True when a source range is the world: it covers 2000::/3 (whatever the limits), or its prefix is
 * at most the family's limit and it is not wholly private address space.
 */
export function isWorldRange(r: Range, limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES): boolean {
  if (r.family === "ipv6" && r.first <= GLOBAL_UNICAST.first && GLOBAL_UNICAST.last <= r.last) return true;
  return r.prefix <= limits[r.family] && !isPrivate(r);
}

/** isWorldRange for a CIDR string; false for anything that is not a CIDR. */
export function isWorldCidr(cidr: unknown, limits: WorldPrefixes = DEFAULT_WORLD_PREFIXES): boolean {
  const r = parseCidr(cidr);
  return r !== undefined && isWorldRange(r, limits);
}

/** Every problem with configured limits (each names the family and the bad value); [] when valid. */
export function worldPrefixesProblems(value: unknown, path = "worldPrefixes"): string[] {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${path} must be an object { ipv4?, ipv6? }, got ${JSON.stringify(value)}`];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key !== "ipv4" && key !== "ipv6") problems.push(`${path}.${key} is not ipv4 or ipv6`);
    else if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > BITS[key])
      problems.push(
        `${path}.${key} must be a prefix length from 0 to ${BITS[key]}, got ${JSON.stringify(v)}`,
      );
  }
  return problems;
}
