// npm run rollout -- [--stacks NAME|PATTERN ...] [--preview | --drift] [--concurrency N]
//   [--canary N|NAME,...] [--resume] [--json]
// Deploys (or previews, or checks for drift) every stack file of the repo with the Automation API and
// your own Pulumi backend and login: the hub first, a canary wave, then the rest N at a time; the first
// failure stops it (`--resume` continues). See README, "Rolling out to many accounts".
import { runRolloutCli } from "../verify/rollout/cli";

runRolloutCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  tty: Boolean(process.stderr.isTTY),
}).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
