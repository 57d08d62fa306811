// node -r ts-node/register/transpile-only verify/engine/corpusWorker.ts PULUMI_BINARY CORPUS_DIR
// A worker of ./corpus.ts: one engine workspace of its own, then one case per `{ dir }` message
// (answered with `{ result }`), until `{ done: true }`. It says `{ ready: true }` first.
import { runCorpusCase } from "./corpus";
import { EngineWorkspace, createEngineWorkspace } from "./workspace";

async function main(): Promise<void> {
  const [binary, corpusDir] = process.argv.slice(2);
  if (!binary || !corpusDir || !process.send) {
    console.error("usage: run by verify/engine/corpus.ts (PULUMI_BINARY CORPUS_DIR, with an IPC channel)");
    process.exit(2);
  }
  const ws: EngineWorkspace = await createEngineWorkspace({ binary });
  let chain = Promise.resolve();
  process.on("message", (msg: { dir?: string; done?: boolean }) => {
    chain = chain.then(async () => {
      if (msg.done) {
        ws.dispose();
        process.disconnect();
        return;
      }
      if (msg.dir) process.send!({ result: await runCorpusCase(ws, corpusDir, msg.dir) });
    });
  });
  // A parent that went away leaves nothing behind.
  process.on("disconnect", () => {
    ws.dispose();
    process.exit(0);
  });
  process.send({ ready: true });
}

void main();
