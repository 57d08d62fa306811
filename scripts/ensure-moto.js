#!/usr/bin/env node
// Creates .venv with the moto AWS emulator (server mode) when it is absent, so that
// `npm ci && npm test` works on a fresh machine. Tests start moto on 127.0.0.1 only.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const venv = path.join(root, ".venv");
const motoServer = path.join(venv, "bin", "moto_server");
const MOTO_SPEC = "moto[server]==5.2.5";

if (fs.existsSync(motoServer)) process.exit(0);
const python = process.env.PYTHON || "python3";
console.log(`[ensure-moto] creating ${venv} with ${MOTO_SPEC}`);
execFileSync(python, ["-m", "venv", venv], { stdio: "inherit" });
execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", MOTO_SPEC], { stdio: "inherit" });
if (!fs.existsSync(motoServer)) {
  console.error(`[ensure-moto] ${motoServer} missing after install`);
  process.exit(1);
}
