// The wiring checks (routes, IAM access paths, IAM actions) for `npm run plan`: collect what they need from each evaluated stack
// (small plain data, so plan's memory stays bounded), then run them once every stack is evaluated.
import * as fs from "fs";
import * as path from "path";
import { CONFIG_NAMESPACE } from "../../stacks/configSchema";
import { parseConfigValue } from "../../stacks/loadConfig";
import { MockedResource } from "../mockRuntime";
import { startMoto, stopMoto } from "../moto";
import { AccessResult, accessPaths, formatAccess } from "./access";
import { ActionCheck, checkActions } from "./actions";
import { loadCorpus, routeExpectation } from "./corpus";
import { StackDocuments, collectDocuments } from "./documents";
import {
  RouteComparison,
  RouteEmulator,
  RouteTopology,
  collectRules,
  compareRoutes,
  formatRouteMatrix,
  mergeTopologies,
  motoEmulator,
  routeMatrix,
} from "./routes";
import { RulerMatcher, RulerUnavailable, loadRulerMatcher } from "./ruler";

export interface StackWiringInfo {
  role: "hub" | "spoke";
  accountId: string;
  regions: string[];
  /** Hub only: its organization (undefined in account-list mode). */
  organizationId?: string;
  /** Spoke only: the hub stack it reports to (stack name; the last segment of a reference is enough). */
  hubStack?: string;
}

/** The wiring info of a stack from its config as Pulumi passes it (`security-guard:role` ...). */
export function stackWiringInfo(config: Record<string, string>): StackWiringInfo {
  const value = (key: string) => {
    const raw = config[`${CONFIG_NAMESPACE}:${key}`];
    return raw === undefined ? undefined : parseConfigValue(raw);
  };
  const role = value("role");
  if (role !== "hub" && role !== "spoke")
    throw new Error(`stack config: role must be hub or spoke, got ${JSON.stringify(role)}`);
  const organizationId = value("organizationId");
  const hubStack = value("hubStack");
  return {
    role,
    accountId: String(value("accountId") ?? ""),
    regions: ((value("regions") as string[] | undefined) ?? []).map(String),
    ...(typeof organizationId === "string" && organizationId ? { organizationId } : {}),
    ...(typeof hubStack === "string" ? { hubStack } : {}),
  };
}

interface Collected {
  stack: string;
  info: StackWiringInfo;
  documents: StackDocuments;
  topology: RouteTopology;
  actions: ActionCheck;
  /** Spokes only: the first spoke of the same shape (see shapeOf); its documents stand for this one. */
  twinOf?: string;
}

/** Hub stack name a spoke reports to (the last segment of its reference). */
function hubOf(spoke: StackWiringInfo, hubs: Collected[]): Collected | undefined {
  const ref = spoke.hubStack?.split("/").pop();
  return hubs.find((h) => h.stack === ref) ?? (hubs.length === 1 ? hubs[0] : undefined);
}

/**
 * Spokes generated from one config shape differ only in their account id: their documents and rules
 * with the account id and stack name blanked out are the key. Only in organization mode: in
 * account-list mode the account id itself decides (hub membership), so every spoke is checked.
 */
function shapeOf(
  hub: Collected,
  stack: string,
  info: StackWiringInfo,
  documents: StackDocuments,
  topology: RouteTopology,
) {
  if (!hub.info.organizationId) return undefined;
  return JSON.stringify([hub.stack, info.regions, documents, topology])
    .split(info.accountId)
    .join("<account>")
    .split(stack)
    .join("<stack>");
}

export interface SpokeWiring {
  hub: string;
  spoke: string;
  /** Another spoke whose documents and rules are the same but for the account id: its result stands. */
  sameAs?: string;
  access: AccessResult[];
  routes?: { matrix: string; comparison: RouteComparison };
  routesSkipped?: string;
  error?: string;
}

export interface WiringSummary {
  actions: ActionCheck[];
  spokes: SpokeWiring[];
  ok: boolean;
}

export interface WiringCollector {
  /** Call for each successfully evaluated stack. */
  add(stack: string, info: StackWiringInfo, resources: MockedResource[]): void;
  /**
   * Runs the checks; routes need an emulator (see withMoto), or are reported as skipped. The second
   * route engine (event-ruler) is used when provisioned (default: loadRulerMatcher(); false: not at all).
   */
  summarize(options?: {
    emulator?: () => Promise<RouteEmulator>;
    skipRoutesReason?: string;
    ruler?: RulerMatcher | RulerUnavailable | false;
  }): Promise<WiringSummary>;
}

export function createWiringCollector(): WiringCollector {
  const stacks: Collected[] = [];
  // Keep one full record per spoke shape: a thousand generated spokes hold a thousand small
  // action checks, not a thousand copies of their documents (plan's memory stays bounded).
  const firstOfShape = new Map<string, string>();
  const empty = { documents: {} as StackDocuments, topology: {} as RouteTopology };
  return {
    add(stack, info, resources) {
      const documents = collectDocuments(stack, resources);
      const topology = collectRules(stack, resources);
      const actions = checkActions(stack, resources);
      const hub =
        info.role === "spoke"
          ? hubOf(
              info,
              stacks.filter((s) => s.info.role === "hub"),
            )
          : undefined;
      const shape = hub ? shapeOf(hub, stack, info, documents, topology) : undefined;
      const twinOf = shape ? firstOfShape.get(shape) : undefined;
      if (twinOf) {
        stacks.push({ stack, info, actions, twinOf, ...empty });
        return;
      }
      if (shape) firstOfShape.set(shape, stack);
      stacks.push({ stack, info, documents, topology, actions });
    },
    async summarize(options = {}) {
      const hubs = stacks.filter((s) => s.info.role === "hub");
      const ruler =
        options.emulator && options.ruler !== false ? (options.ruler ?? loadRulerMatcher()) : undefined;
      const spokes: SpokeWiring[] = [];
      const results = new Map<string, SpokeWiring>();
      for (const spoke of stacks.filter((s) => s.info.role === "spoke")) {
        const ref = spoke.info.hubStack?.split("/").pop();
        const hub = hubOf(spoke.info, hubs);
        const twin = spoke.twinOf ? results.get(spoke.twinOf) : undefined;
        if (twin) {
          spokes.push({ ...twin, spoke: spoke.stack, sameAs: twin.spoke });
          continue;
        }
        if (!hub) {
          spokes.push({
            hub: ref ?? "?",
            spoke: spoke.stack,
            access: [],
            error: `no evaluated hub stack "${ref ?? "?"}"`,
          });
          continue;
        }
        const result: SpokeWiring = {
          hub: hub.stack,
          spoke: spoke.stack,
          access: await accessPaths(hub.documents, spoke.documents, {
            organizationId: hub.info.organizationId,
            spokeRegion: spoke.info.regions[0],
          }),
        };
        if (options.emulator) {
          try {
            const topology = mergeTopologies(hub.topology, spoke.topology);
            const hubBus = hub.topology.buses[0];
            const ctx = {
              spokeAccount: spoke.info.accountId,
              spokeRegions: spoke.info.regions,
              hubBus: { accountId: hubBus.accountId, region: hubBus.region, bus: hubBus.name },
            };
            const expectation = routeExpectation(ctx);
            const matrix = await routeMatrix(topology, loadCorpus(ctx), await options.emulator(), { ruler });
            result.routes = {
              matrix: formatRouteMatrix(matrix, expectation),
              comparison: compareRoutes(matrix, expectation),
            };
          } catch (err) {
            result.error = `routes: ${(err as Error).message}`;
          }
        } else {
          result.routesSkipped = options.skipRoutesReason ?? "no EventBridge emulator";
        }
        spokes.push(result);
        results.set(spoke.stack, result);
      }
      const actions = stacks.map((s) => s.actions);
      const ok =
        actions.every((a) => a.problems.length === 0) &&
        spokes.every(
          (s) =>
            !s.error &&
            s.access.every((a) => a.ok) &&
            (!s.routes ||
              (s.routes.comparison.mismatches.length === 0 &&
                s.routes.comparison.duplicates.length === 0 &&
                s.routes.comparison.disagreements.length === 0)),
        );
      return { actions, spokes, ok };
    },
  };
}

/**
 * Runs `fn` with the moto emulator started on 127.0.0.1 and this process's AWS SDK environment
 * pointing at it (restored afterwards). Returns undefined when moto is not installed (.venv).
 */
export async function withMoto<T>(
  fn: (emulator: () => Promise<RouteEmulator>) => Promise<T>,
): Promise<T | undefined> {
  const root = path.resolve(__dirname, "..", "..");
  if (!fs.existsSync(path.join(root, ".venv", "bin", "moto_server"))) return undefined;
  const moto = await startMoto();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(moto.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    return await fn(async () => {
      await moto.reset();
      return motoEmulator();
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    stopMoto();
  }
}

export function formatWiringSummary(summary: WiringSummary, options: { verbose?: boolean } = {}): string {
  const lines: string[] = ["Wiring (event routes and IAM access between hub and spokes)"];
  const quiet = !options.verbose && summary.actions.every((a) => a.problems.length === 0);
  if (quiet) {
    const sum = (f: (a: ActionCheck) => number) => summary.actions.reduce((n, a) => n + f(a), 0);
    lines.push(
      `  IAM actions: ${sum((a) => a.actions)} actions in ${sum((a) => a.documents)} documents of ${summary.actions.length} stacks, 0 unknown to AWS's catalog`,
    );
  }
  for (const a of quiet ? [] : summary.actions) {
    lines.push(
      `  IAM actions ${a.stack}: ${a.actions} actions in ${a.documents} documents, ${a.problems.length} unknown to AWS's catalog`,
    );
    for (const p of a.problems) lines.push(`    ${p}`);
  }
  for (const s of summary.spokes) {
    if (s.sameAs) {
      if (options.verbose)
        lines.push(
          `  ${s.hub} <- ${s.spoke}: same documents and rules as ${s.sameAs} but for the account id`,
        );
      continue;
    }
    const twins = summary.spokes.filter((t) => t.sameAs === s.spoke).length;
    lines.push(
      `  ${s.hub} <- ${s.spoke}${twins ? ` (and ${twins} spokes with the same documents and rules but for the account id)` : ""}`,
    );
    if (s.error) lines.push(`    error: ${s.error}`);
    if (s.access.length > 0)
      lines.push(
        ...formatAccess(s.access, { verbose: options.verbose, failuresOnly: !options.verbose })
          .split("\n")
          .map((l) => `    ${l}`),
      );
    if (s.routesSkipped) lines.push(`    routes: skipped (${s.routesSkipped})`);
    if (s.routes) {
      const c = s.routes.comparison;
      const problems = c.mismatches.length + c.duplicates.length + c.disagreements.length;
      if (options.verbose || problems > 0) lines.push(s.routes.matrix);
      const second = c.second
        ? `, ${c.decidedBySecond.length} decided by ${c.second}, ${c.disagreements.length} moto/event-ruler disagreements in ${c.crossChecked} cross-checked cells`
        : c.secondUnavailable
          ? ` (event-ruler not used: ${c.secondUnavailable})`
          : "";
      lines.push(
        `    routes: ${c.mismatches.length} differ from the intent, ${c.duplicates.length} duplicate deliveries, ${c.unproven.length} not provable in moto${second}`,
      );
      for (const m of [
        ...c.mismatches,
        ...c.duplicates,
        ...c.unproven,
        ...c.disagreements.map((x) => `moto and ${c.second} disagree: ${x}`),
        ...(options.verbose ? c.decidedBySecond.map((x) => `decided by ${c.second}: ${x}`) : []),
        ...c.staleLimitations.map((x) => `stale limitation: ${x}`),
      ])
        lines.push(`      ${m}`);
    }
  }
  lines.push(`  wiring ${summary.ok ? "OK" : "FAILED"}`);
  return lines.join("\n");
}
