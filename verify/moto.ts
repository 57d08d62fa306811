// Starts the moto AWS emulator in server mode on 127.0.0.1 (once per process) for the wiring checks
// and the tests. The emulator binary comes from .venv (created by scripts/ensure-moto.js).
import { ChildProcess, spawn } from "child_process";
import * as net from "net";
import * as path from "path";
import * as http from "http";

const MOTO_BIN = path.resolve(__dirname, "..", ".venv", "bin", "moto_server");

/** The account moto uses for plain (non-assumed) credentials: our "hub" account in handler tests. */
export const MOTO_DEFAULT_ACCOUNT = "123456789012";

export interface Moto {
  endpoint: string;
  port: number;
  /** Environment for SDK v3 clients (and child processes) pointing at the emulator. */
  env: Record<string, string>;
  reset(): Promise<void>;
}

let running: { proc: ChildProcess; moto: Moto } | undefined;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

function request(port: number, method: string, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function waitUntilUp(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited (${proc.exitCode}): ${log()}`);
    try {
      if ((await request(port, "GET", "/moto-api/")) < 500) return;
    } catch {
      // not listening yet: poll again below
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on 127.0.0.1:${port} within 30 s: ${log()}`);
}

/** Starts moto once per process; later calls return the same server. */
export async function startMoto(): Promise<Moto> {
  if (running) return running.moto;
  const port = await freePort();
  const proc = spawn(MOTO_BIN, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "false" },
  });
  let output = "";
  proc.stdout?.on("data", (d) => (output = (output + d).slice(-4000)));
  proc.stderr?.on("data", (d) => (output = (output + d).slice(-4000)));
  await waitUntilUp(port, proc, () => output);
  const endpoint = `http://127.0.0.1:${port}`;
  const moto: Moto = {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      // S3 clients must use path-style addressing against 127.0.0.1.
      AWS_S3_FORCE_PATH_STYLE: "true",
    },
    reset: async () => {
      const status = await request(port, "POST", "/moto-api/reset");
      if (status !== 200) throw new Error(`moto reset answered ${status}`);
    },
  };
  running = { proc, moto };
  return moto;
}

export function stopMoto(): void {
  if (running) {
    running.proc.kill("SIGTERM");
    running = undefined;
  }
}
