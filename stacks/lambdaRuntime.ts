// The Lambda runtime every function deploys with, in one place: the stacks pin it (a provider
// upgrade must never change the runtime of deployed functions), the deployed-form tests start each
// package under its Node major, and the policy pack's runtime table says how long it is supported.
//
// nodejs24.x: AWS deprecates nodejs22.x on 2027-04-30 and nodejs24.x on 2028-04-30
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). Cold start and package
// load under both Nodes are in bench/RESULTS.md ("Lambda runtime"). Node 24 runtimes accept only
// async handlers (no callback argument): every handler here is `async (event, context)`.
export const LAMBDA_RUNTIME = "nodejs24.x";

/** The Node.js major version a `nodejsNN.x` runtime runs. */
export function runtimeNodeMajor(runtime: string = LAMBDA_RUNTIME): number {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new Error(`${runtime} is not a Node.js Lambda runtime (expected nodejsNN.x)`);
  return Number(m[1]);
}
