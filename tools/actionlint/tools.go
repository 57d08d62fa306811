//go:build tools

// Package tools pins actionlint, the GitHub Actions workflow checker: `go build` of the blank import
// below, with this module's go.sum, gives the same binary on every machine (see scripts/ensure-actionlint.js).
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
