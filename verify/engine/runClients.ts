// The gRPC clients an inline program's run leaves open, closed once its engine operation ends.
//
// The Pulumi Node SDK (3.270) runs an Automation API inline program inside a per-run AsyncLocalStorage
// store (its LocalStore) and creates that run's resource-monitor and engine clients lazily in it
// (runtime/settings.js getMonitor/getEngine keep them in the store's `settings`). At the end of the
// run its `disconnect` closes only the process-wide clients a CLI-driven program uses, not these. Each
// open @grpc/grpc-js channel arms a 30-minute idle timer after its last call (DEFAULT_IDLE_TIMEOUT_MS
// in internal-channel.js), created inside the run, so the timer's async context holds the run's store
// and through it the stack resource and every resource and output of the finished stack (about 2 MB a
// stack, in a 1,000-stack rollout for 30 minutes each). Closing the channel clears its timers.
import * as pulumi from "@pulumi/pulumi";
import { PulumiFn } from "@pulumi/pulumi/automation";

interface Closable {
  close(): void;
}

const closable = (client: unknown): client is Closable =>
  typeof (client as Partial<Closable> | undefined)?.close === "function";

export interface ClosingProgram {
  /** The program, noting the clients of each run it is called in. */
  program: PulumiFn;
  /** Closes the clients of every run so far; call it once the engine operation has returned. */
  close(): void;
}

export function closingRunClients(program: PulumiFn): ClosingProgram {
  let open: Closable[] = [];
  return {
    program: async () => {
      // The stack resource is registered before the program is called, so the monitor client exists;
      // asking for the engine client creates it now if no log line has yet, and the run then uses it.
      for (const client of [pulumi.runtime.getMonitor(), pulumi.runtime.getEngine()])
        if (closable(client)) open.push(client);
      return program();
    },
    close: () => {
      const clients = open;
      open = [];
      for (const client of clients) client.close();
    },
  };
}
