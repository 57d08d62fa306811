// The processes of this machine from /proc (pid, parent, resident memory, command line), for the
// rollout benchmarks: the RSS of this process and its descendants, and per process what it is.
import * as fs from "fs";

export interface Proc {
  pid: number;
  ppid: number;
  /** Resident set size in bytes (0 for a zombie). */
  rss: number;
  /** Process state letter (R, S, Z...). */
  state: string;
  argv: string[];
}

/** Every process readable now (those that end while read are left out). */
export function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").filter(Boolean);
      procs.set(Number(d), {
        pid: Number(d),
        ppid: Number(f[1]),
        state: f[0],
        rss: Number(f[21]) * 4096,
        argv,
      });
    } catch {
      // the process ended while we read
    }
  }
  return procs;
}

/** `root` and every descendant of it. */
export function descendants(procs: Map<number, Proc>, root: number): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const walk = (pid: number) => {
    const p = procs.get(pid);
    if (p) out.push(p);
    for (const c of children.get(pid) ?? []) walk(c.pid);
  };
  walk(root);
  return out;
}

/** RSS in bytes of this process and every descendant. */
export function treeRss(): number {
  return descendants(readProcs(), process.pid).reduce((sum, p) => sum + p.rss, 0);
}
