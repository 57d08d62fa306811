// Provisions the Pulumi CLI that `npm run preview:engine` drives, built from the Go module proxy with
// this repository's pinned wrapper module (tools/pulumi-cli: go.mod + go.sum fix every dependency):
//   go build -trimpath -ldflags "-s -w -X .../version.Version=vX" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
// (`node scripts/ensure-pulumi.js`, and every engine run) into a cache outside the clone (../goTool.js):
//   ${XDG_CACHE_HOME:-~/.cache}/security-guard/pulumi-<version>-<go.sum hash>/bin/pulumi
// Where Go is missing it reports "skipped" (the engine commands then print SKIPPED and exit 0).
// `go install pulumi@version` is refused (the CLI's own go.mod has replace directives), hence the wrapper.
const { goTool } = require("../goTool.js");

const tool = goTool({
  name: "pulumi-cli",
  cacheName: "pulumi",
  binary: "pulumi",
  mainPackage: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
  requirement: "github.com/pulumi/pulumi/pkg/v3",
  // Without it `pulumi version` prints nothing.
  ldflags: (version) => `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
});

module.exports = {
  ensurePulumi: tool.ensure,
  pulumiBinary: tool.binaryPath,
  pinnedVersion: tool.pinnedVersion,
};
