// The command line of `npm run rollout`.
import { RolloutMode } from "./stackRun";
import { Canary, parseCanary } from "./waves";

export type WaveName = "hub" | "canary" | "rest";

export interface RolloutArgs {
  patterns: string[];
  /** Only this wave of the plan (a CI matrix runs each wave in its own job). */
  wave?: WaveName;
  /** Only the index-th of `of` parts of the rest wave (a CI matrix's spoke shards), 1-based. */
  shard?: { index: number; of: number };
  mode: RolloutMode;
  concurrency: number;
  canary: Canary;
  resume: boolean;
  json: boolean;
}

export const USAGE =
  "npm run rollout -- [--stacks NAME|PATTERN ...] [--preview | --drift] [--concurrency N] " +
  "[--canary N|NAME,...] [--resume] [--json] [--wave hub|canary|rest] [--shard I/N]";

export const DEFAULT_CONCURRENCY = 4;

export function parseRolloutArgs(argv: string[]): RolloutArgs {
  const args: RolloutArgs = {
    patterns: [],
    mode: "up",
    concurrency: DEFAULT_CONCURRENCY,
    canary: { count: 1 },
    resume: false,
    json: false,
  };
  const modes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value (${USAGE})`);
      return v;
    };
    switch (flag) {
      case "--stacks": {
        const before = args.patterns.length;
        while (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--"))
          args.patterns.push(...argv[++i].split(",").filter(Boolean));
        if (args.patterns.length === before) throw new Error(`--stacks needs names or patterns (${USAGE})`);
        break;
      }
      case "--preview":
      case "--drift":
        modes.push(flag);
        args.mode = flag === "--preview" ? "preview" : "drift";
        break;
      case "--concurrency": {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new Error(`--concurrency ${v}: give a whole number, 1 or more`);
        args.concurrency = Number(v);
        break;
      }
      case "--canary":
        args.canary = parseCanary(value());
        break;
      case "--wave": {
        const v = value();
        if (v !== "hub" && v !== "canary" && v !== "rest")
          throw new Error(`--wave ${v}: one of hub, canary, rest`);
        args.wave = v;
        break;
      }
      case "--shard": {
        const v = value();
        const m = /^([1-9]\d*)\/([1-9]\d*)$/.exec(v);
        if (!m || Number(m[1]) > Number(m[2]))
          throw new Error(`--shard ${v}: give I/N with 1 <= I <= N (the I-th of N parts of the last wave)`);
        args.shard = { index: Number(m[1]), of: Number(m[2]) };
        break;
      }
      case "--resume":
        args.resume = true;
        break;
      case "--json":
        args.json = true;
        break;
      default:
        throw new Error(`unknown argument ${flag} (${USAGE})`);
    }
  }
  if (modes.length > 1) throw new Error(`${modes.join(" and ")}: choose one (${USAGE})`);
  if (args.shard && args.wave && args.wave !== "rest")
    throw new Error(`--shard splits the last wave: it cannot go with --wave ${args.wave}`);
  if (args.shard) args.wave = "rest";
  return args;
}
