// Entry point of the Pulumi program: the only file with top-level side effects.
import { runProgram } from "./stacks/program";

const outputs = runProgram();
export = outputs;
