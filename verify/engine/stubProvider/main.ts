// A stand-in `aws` resource provider for the real Pulumi engine where the AWS provider plugin cannot
// be had and there are no credentials: the engine starts it like any provider plugin (one process
// per provider resource), it accepts every input as given (no provider-side checks or defaults),
// never reports a diff, and "creates" resources by answering AWS-shaped ids and outputs
// (./outputs.ts). What it cannot stand for: the AWS provider's own input validation and diffs.
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
  async diff() {
    return { changes: false };
  },
  async create(urn, inputs) {
    const { type, name } = typeAndName(urn);
    const { id, outputs } = stubResource(type, name, inputs, placement);
    return { id, outs: outputs };
  },
  async read(id, _urn, props) {
    return { id, props };
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
