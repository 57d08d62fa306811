#!/usr/bin/env bash
# One job of .github/workflows/rollout.yml: `npm run rollout` with the workflow's inputs (MODE, STACKS,
# CANARY, CONCURRENCY) and this job's wave or shard ("$@"); the table goes to the job summary too.
set -euo pipefail
args=(--canary "$CANARY" --concurrency "$CONCURRENCY")
[ "$MODE" = up ] || args+=("--$MODE")
# shellcheck disable=SC2206 # the patterns are words
[ -z "$STACKS" ] || args+=(--stacks $STACKS)
status=0
npm run -s rollout -- "${args[@]}" "$@" | tee rollout-table.txt || status=$?
{
  echo "### rollout ($MODE) $*"
  echo '```text'
  cat rollout-table.txt
  echo '```'
} >> "$GITHUB_STEP_SUMMARY"
exit "$status"
