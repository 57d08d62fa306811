// The rollout's journal: one JSON Lines file per mode (up, preview, drift) in the rollout folder, a
// header line then one line appended as each stack starts and ends (appending keeps a 1,000-stack
// rollout linear; a line torn by a crash is ignored, and its stack runs again). `--resume` reads it and
// runs only the stacks that did not finish well: failed, skipped, never started, or still "running"
// when the previous run was killed.
import * as fs from "fs";
import * as path from "path";
import { RolloutMode, StackOutcome } from "./stackRun";

export interface JournalEntry extends Partial<Omit<StackOutcome, "status">> {
  name: string;
  status: StackOutcome["status"] | "running";
  startedAt?: string;
  finishedAt?: string;
}

interface JournalHeader {
  mode: RolloutMode;
  startedAt: string;
}

/** Statuses a resumed rollout does not run again. */
const DONE = new Set(["succeeded", "unchanged", "drifted"]);

export class Journal {
  readonly file: string;
  private readonly stacks: Map<string, JournalEntry>;

  private constructor(file: string, stacks: Map<string, JournalEntry>) {
    this.file = file;
    this.stacks = stacks;
  }

  static fileFor(dir: string, mode: RolloutMode): string {
    return path.join(dir, `journal-${mode}.jsonl`);
  }

  /** A new journal, or (resume) the previous one of this mode; a resume with none is an error. */
  static open(dir: string, mode: RolloutMode, resume: boolean): Journal {
    const file = Journal.fileFor(dir, mode);
    fs.mkdirSync(dir, { recursive: true });
    if (!resume) {
      const header: JournalHeader = { mode, startedAt: new Date().toISOString() };
      fs.writeFileSync(file, `${JSON.stringify(header)}\n`);
      return new Journal(file, new Map());
    }
    if (!fs.existsSync(file)) throw new Error(`--resume: no journal of an earlier ${mode} rollout in ${dir}`);
    const [first, ...lines] = fs.readFileSync(file, "utf8").split("\n");
    let header: Partial<JournalHeader> = {};
    try {
      header = JSON.parse(first) as JournalHeader;
    } catch {
      // reported below
    }
    if (header.mode !== mode) throw new Error(`--resume: ${file} is not the journal of a ${mode} rollout`);
    const stacks = new Map<string, JournalEntry>();
    for (const line of lines) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // empty, or torn by a crash: that stack runs again
      }
      if (entry && typeof entry.name === "string") stacks.set(entry.name, entry);
    }
    return new Journal(file, stacks);
  }

  /** The outcome an earlier run recorded for a stack that need not run again. */
  finished(name: string): StackOutcome | undefined {
    const e = this.stacks.get(name);
    if (!e || !DONE.has(e.status)) return undefined;
    return {
      name,
      status: e.status as StackOutcome["status"],
      durationMs: e.durationMs ?? 0,
      changes: e.changes ?? {},
      error: null,
    };
  }

  started(name: string): void {
    this.append({ name, status: "running", startedAt: new Date().toISOString() });
  }

  record(outcome: StackOutcome): void {
    const startedAt = this.stacks.get(outcome.name)?.startedAt;
    this.append({ ...outcome, startedAt, finishedAt: new Date().toISOString() });
  }

  private append(entry: JournalEntry): void {
    this.stacks.set(entry.name, entry);
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}
