// Step: close SSH from each world-open source, one source at a time (an exact match leaves the
// permission's other sources alone, and a rule someone already removed is simply skipped).
// Unless the whole rule is to go (setting revokeWholeRule), a permission wider than SSH is first
// re-authorized without TCP port 22 (narrow.ts), with the source's description, then revoked: the
// other ports never close, not even for a moment. If the revoke then finds the rule already gone
// (someone else removed it meanwhile), the rules just added are taken back, so nothing is opened
// that its owner had closed.
import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  IpPermission,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { errorCode, errorText } from "../shared/errors";
import type { RevokedPermission } from "../shared/remediationReport";
import type { StepContext } from "./context";
import { remediationError } from "./errors";
import { PortRange, familiesOf, withoutSsh } from "./narrow";
import { Offending, PrefixLists, Source, describePermissions, reported, requestFor } from "./permissions";

export interface Closed {
  revoked: RevokedPermission[];
  added: RevokedPermission[];
  /** Sources whose "all traffic" lost protocols other than TCP, UDP and ICMP (narrow.ts says why). */
  otherProtocolsClosed: string[];
}

export async function closeSsh(
  ec2: EC2Client,
  ctx: StepContext,
  offending: Offending[],
  opts: { revokeWholeRule: boolean; lists: PrefixLists },
): Promise<Closed | "group-gone"> {
  const closed: Closed = { revoked: [], added: [], otherProtocolsClosed: [] };
  for (const o of offending) {
    const done: Source[] = [];
    for (const s of o.sources) {
      const narrowed = opts.revokeWholeRule
        ? { keep: [], closesOtherProtocols: false }
        : withoutSsh(o, familiesOf(s, s.kind === "prefix-list" ? opts.lists.get(s.id) : undefined));
      const fail = (what: string, p: PortRange) => (err: unknown) => {
        throw remediationError(
          "revoke",
          ctx.target,
          `${what} ${describePermissions([reported({ ...p, sources: [s] })])}: ${errorText(err)}`,
          err,
        );
      };
      const added: PortRange[] = [];
      for (const keep of narrowed.keep) {
        const r = await authorize(ec2, ctx, requestFor(keep, s, true)).catch(
          fail("AuthorizeSecurityGroupIngress", keep),
        );
        if (r === "group-gone") return "group-gone";
        if (r === "added") added.push(keep);
      }
      const outcome = await revoke(ec2, ctx, requestFor(o, s)).catch(fail("RevokeSecurityGroupIngress", o));
      if (outcome === "group-gone") return "group-gone";
      if (outcome === "absent") {
        for (const keep of added) await revoke(ec2, ctx, requestFor(keep, s)).catch(fail("undo", keep));
        continue;
      }
      done.push(s);
      // Only what was really added: an identical rule that already existed is no change.
      closed.added.push(...added.map((k) => reported({ ...k, sources: [s] })));
      if (narrowed.closesOtherProtocols)
        closed.otherProtocolsClosed.push(s.kind === "cidr" ? s.cidr : `prefix list ${s.id}`);
    }
    if (done.length > 0) closed.revoked.push(reported({ ...o, sources: done }));
  }
  closed.added = merge(closed.added);
  return closed;
}

/** One entry per protocol and port range, its sources together (as EC2 groups them). */
function merge(perms: RevokedPermission[]): RevokedPermission[] {
  const byKey = new Map<string, RevokedPermission>();
  for (const p of perms) {
    const key = `${p.ipProtocol} ${p.fromPort ?? ""} ${p.toPort ?? ""}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...p, cidrs: [...p.cidrs] });
    else {
      seen.cidrs.push(...p.cidrs);
      if (p.prefixListIds) seen.prefixListIds = [...(seen.prefixListIds ?? []), ...p.prefixListIds];
    }
  }
  return [...byKey.values()];
}

/** "added", "present" (an identical rule already existed) or "group-gone". */
async function authorize(
  ec2: EC2Client,
  ctx: StepContext,
  perm: IpPermission,
): Promise<"added" | "present" | "group-gone"> {
  try {
    await ctx.call("authorize", "ec2:AuthorizeSecurityGroupIngress", (abortSignal) =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: ctx.target.groupId, IpPermissions: [perm] }),
        { abortSignal },
      ),
    );
    return "added";
  } catch (err) {
    const code = errorCode(err);
    if (code === "InvalidPermission.Duplicate") return "present";
    if (code === "InvalidGroup.NotFound") return "group-gone";
    throw err;
  }
}

/** "revoked", "absent" (already gone: idempotent success) or "group-gone". */
async function revoke(
  ec2: EC2Client,
  ctx: StepContext,
  perm: IpPermission,
): Promise<"revoked" | "absent" | "group-gone"> {
  try {
    const out = await ctx.call("revoke", "ec2:RevokeSecurityGroupIngress", (abortSignal) =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: ctx.target.groupId, IpPermissions: [perm] }),
        { abortSignal },
      ),
    );
    // For VPC groups EC2 answers Return=true and lists rules it did not find in UnknownIpPermissions
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html).
    if ((out.UnknownIpPermissions ?? []).length > 0) return "absent";
    if (out.Return === false) throw new Error("EC2 answered Return=false");
    return "revoked";
  } catch (err) {
    const code = errorCode(err);
    if (code === "InvalidPermission.NotFound") return "absent";
    if (code === "InvalidGroup.NotFound") return "group-gone";
    throw err;
  }
}
