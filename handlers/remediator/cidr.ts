// Address arithmetic for deciding whether ingress sources add up to "the whole internet": whether a
// set of ranges covers an address family. Parsing and private space live in ../shared/world (the
// one definition of the world), re-exported here for the remediator's callers.
import { BITS, Family, Range, isPrivate, parseCidr } from "../shared/world";

export { isPrivate, parseCidr };
export type { Family, Range };

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
