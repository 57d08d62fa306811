// What a world-open permission wider than SSH becomes when only SSH is closed: the same source and
// the same access minus TCP port 22.
//  - TCP (or "6") ports a-b around 22: a-21 and 23-b (either side may be empty).
//  - All traffic (protocol -1): TCP 0-21, TCP 23-65535, all UDP, and all ICMP (ICMPv6, protocol 58,
//    for an IPv6 source). "All traffic" also admits every other IP protocol (GRE, ESP, SCTP...);
//    keeping exactly that would take one rule per protocol number, about 250 rules, far over the
//    60 inbound rules a group holds by default
//    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups),
//    so those other protocols close with SSH, and the report says so.
import type { Family } from "./cidr";
import type { Source } from "./permissions";

export interface PortRange {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
}

export interface Narrowed {
  keep: PortRange[];
  /** True when protocols other than TCP, UDP and ICMP were allowed before and no longer are. */
  closesOtherProtocols: boolean;
}

const ALL_PORTS = { fromPort: 0, toPort: 65535 };

function tcpWithout22(from: number, to: number): PortRange[] {
  const out: PortRange[] = [];
  if (from <= 21) out.push({ ipProtocol: "tcp", fromPort: from, toPort: Math.min(to, 21) });
  if (to >= 23) out.push({ ipProtocol: "tcp", fromPort: Math.max(from, 23), toPort: to });
  return out;
}

/** The access of `p` from sources of these families, without TCP port 22. */
export function withoutSsh(p: PortRange, families: Family[]): Narrowed {
  const proto = p.ipProtocol.toLowerCase();
  if (proto === "-1" || proto === "all") {
    const icmp: PortRange[] = [];
    if (families.includes("ipv4")) icmp.push({ ipProtocol: "icmp", fromPort: -1, toPort: -1 });
    if (families.includes("ipv6")) icmp.push({ ipProtocol: "58", fromPort: -1, toPort: -1 });
    return {
      keep: [...tcpWithout22(0, 65535), { ipProtocol: "udp", ...ALL_PORTS }, ...icmp],
      closesOtherProtocols: true,
    };
  }
  const from = p.fromPort ?? ALL_PORTS.fromPort;
  const to = p.toPort ?? ALL_PORTS.toPort;
  return { keep: tcpWithout22(from, to), closesOtherProtocols: false };
}

/** Address families a source admits (a prefix list: those of its entries; both when unknown). */
export function familiesOf(s: Source, entries: string[] | undefined): Family[] {
  if (s.kind === "cidr") return [s.family];
  const fams = new Set<Family>((entries ?? []).map((c) => (c.includes(":") ? "ipv6" : "ipv4")));
  return fams.size > 0 ? [...fams].sort() : ["ipv4", "ipv6"];
}
