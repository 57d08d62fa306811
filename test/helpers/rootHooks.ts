// Mocha root hooks: stop the shared moto emulator when the run ends.
import { stopMoto } from "../../verify/moto";

export const mochaHooks = {
  afterAll(): void {
    stopMoto();
  },
};
