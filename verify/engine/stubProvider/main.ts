// A stand-in `aws` resource provider for the real Pulumi engine where the AWS provider plugin cannot
// be had and there are no credentials: the engine starts it like any provider plugin (one process
// per provider resource), it accepts every input as given (no provider-side checks or defaults),
// diffs an input only against its recorded value (never a replacement), reads back what it recorded
// plus any drift a test injects, and "creates" resources by answering AWS-shaped ids and outputs
// (./outputs.ts). What it cannot stand for: the AWS provider's own input validation and diffs.
import * as fs from "fs";
import * as provider from "@pulumi/pulumi/provider";
import { Placement, placementOf, stubResource } from "./outputs";

// The version the program's SDK asks for, so the engine does not warn about a mismatch.
const VERSION: string = require("@pulumi/aws/package.json").version;

// The SDK's provider server answers Configure without handing the configuration to the provider;
// the region and account of this provider instance are in it, so we read it on the way in.
// (@grpc/grpc-js is the copy the SDK's server uses: resolved from @pulumi/pulumi's own location.)
const grpc = require(
  require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/pulumi/provider/server")] }),
) as { Server: { prototype: { addService(service: unknown, impl: Record<string, unknown>): void } } };

let placement: Placement = placementOf({});

interface ConfigureCall {
  request: {
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
    getVariablesMap(): { toObject(): [string, string][] };
  };
}

function configFrom(call: ConfigureCall): Record<string, unknown> {
  const args = call.request.getArgs()?.toJavaScript();
  if (args && Object.keys(args).length > 0) return args;
  // Older engines send "aws:config:<key>" variables only.
  const out: Record<string, unknown> = {};
  for (const [k, v] of call.request.getVariablesMap().toObject()) out[k.split(":").pop()!] = v;
  return out;
}

const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, impl) {
  const configure = impl.configure as ((call: ConfigureCall, cb: unknown) => void) | undefined;
  if (configure) {
    impl.configure = (call: ConfigureCall, callback: unknown) => {
      placement = placementOf(configFrom(call));
      configure.call(impl, call, callback);
    };
  }
  addService.call(this, service, impl);
};

/** The out-of-band change recorded for a resource: properties, null (deleted), or undefined (none). */
function driftOf(urn: string): Record<string, unknown> | null | undefined {
  const file = process.env.SECURITY_GUARD_STUB_DRIFT;
  if (!file || !fs.existsSync(file)) return undefined;
  const drift = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, unknown> | null>;
  return Object.prototype.hasOwnProperty.call(drift, urn) ? drift[urn] : undefined;
}

function typeAndName(urn: string): { type: string; name: string } {
  // urn:pulumi:<stack>::<project>::<parent types$>type::name
  const parts = urn.split("::");
  const types = parts[2].split("$");
  return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

const stub: provider.Provider = {
  version: VERSION,
  async check(_urn, _olds, news) {
    return { inputs: news };
  },
  async diff(_id, _urn, olds, news) {
    // A change where an input the program gives differs from the recorded value: an update on `up`,
    // drift on a refresh (the engine diffs what was read, with any injected drift, against the
    // program's inputs). Never a replacement: the provider's own replace rules are beyond a stub.
    const changed = Object.keys(news ?? {}).filter(
      (k) => olds && k in olds && JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
    );
    return { changes: changed.length > 0 };
  },
  async create(urn, inputs) {
    const { type, name } = typeAndName(urn);
    const { id, outputs } = stubResource(type, name, inputs, placement);
    return { id, outs: outputs };
  },
  async read(id, urn, props) {
    // What changed "in AWS" since the last deploy (a console edit, a deleted resource): tests write it
    // to the file SECURITY_GUARD_STUB_DRIFT names, {"<resource URN>": {<property>: <value>} | null}.
    const drift = driftOf(urn);
    if (drift === null) return {};
    return { id, props: { ...props, ...drift } };
  },
  async update(_id, urn, _olds, news) {
    const { type, name } = typeAndName(urn);
    return { outs: stubResource(type, name, news, placement).outputs };
  },
  async delete() {},
  async invoke(token, inputs) {
    switch (token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          outputs: {
            accountId: placement.accountId,
            arn: `arn:aws:sts::${placement.accountId}:assumed-role/stub/stub`,
            userId: "AROASTUB:stub",
            id: placement.accountId,
          },
        };
      case "aws:index/getRegion:getRegion":
        return { outputs: { name: placement.region, region: placement.region, id: placement.region } };
      case "aws:index/getPartition:getPartition":
        return { outputs: { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" } };
    }
    return {
      outputs: {},
      failures: [
        {
          property: "",
          reason: `the stub aws provider does not implement ${token} (${JSON.stringify(inputs)})`,
        },
      ],
    };
  },
};

provider.main(stub, process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
