//go:build tools

// Package tools pins the Pulumi CLI: `go build` of the blank import below, with this module's
// go.sum, gives the same CLI on every machine (see scripts/ensure-pulumi.js).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
