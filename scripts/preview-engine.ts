// npm run preview:engine [-- --stack NAME] [--policy-config FILE] [--keep] [--verbose]
// Every stack config of the repo through the real Pulumi engine and the CrossGuard pack, in a
// throwaway work dir (local file backend, passphrase secrets; never your Pulumi login or the repo's
// stack files): per stack, hub first, `preview` with the pack, `up` against the provider, the stack
// outputs checked, `pulumi policy analyze` over the resulting state. Spokes read the hub's outputs
// through their real StackReference. A stub AWS provider stands in for AWS (no credentials, no AWS
// calls; see verify/engine/stubProvider): with credentials, run `pulumi preview --policy-pack policy`
// against your real stacks instead (README, "Policy as code").
// One line per stack and step; exit 1 on any mandatory violation or engine error. Where Go is
// missing (so the pinned CLI cannot be built) it prints SKIPPED and exits 0.
import { runEngineCli } from "../verify/engine/cli";

runEngineCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
