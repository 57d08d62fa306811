// Mocha suite helper over the moto emulator (verify/moto.ts): one server per test process, a clean
// state for every test.
import { Moto, startMoto } from "../../verify/moto";

export { MOTO_DEFAULT_ACCOUNT, freePort } from "../../verify/moto";
export type { Moto } from "../../verify/moto";

/**
 * Suite helper: starts moto, points this process's SDK clients at it (restoring the old
 * environment afterwards) and resets the emulator before every test.
 */
export function useMoto(): () => Moto {
  let moto: Moto | undefined;
  const saved: Record<string, string | undefined> = {};
  before(async function () {
    this.timeout(60_000);
    moto = await startMoto();
    for (const [k, v] of Object.entries(moto.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  beforeEach(async () => moto!.reset());
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  return () => {
    if (!moto) throw new Error("useMoto(): moto is not started yet (call inside a test or hook)");
    return moto;
  };
}
