// Flat config: typescript-eslint recommended rules over every TypeScript file we own, plus the
// import direction between the top-level folders (checked below, proven by test/lint/importBoundaries.test.ts):
//   index.ts -> stacks -> handlers          (the Pulumi program; handlers are the Lambda code it ships)
//   policy                                  (the CrossGuard pack: runs inside the Pulumi engine on its own)
//   verify -> stacks, policy, handlers      (offline checks of the program and the pack)
//   scripts -> verify, stacks, handlers     (command entry points; never one command from another)
//   bench -> verify, handlers, test         (benchmarks reuse the test stand-ins)
//   test -> anything
import tseslint from "typescript-eslint";

const MAX_DEPTH = 6;

/**
 * Forbids, in every TypeScript file under `root` (a top-level folder, or "index.ts"), imports of the
 * given top-level folders and packages: import/export ... from, require() and import(). A folder is
 * matched exactly as a file at that depth names it ("./stacks/x" from index.ts, "../../stacks/x" from
 * handlers/notifier/), so a handler's own step named like a folder stays allowed. `siblings` forbids
 * "./x" too. `reason` is the message a developer sees.
 */
function boundary(root, { folders = [], packages = [], siblings = false }, reason) {
  const depths = root.endsWith(".ts") ? [0] : Array.from({ length: MAX_DEPTH }, (_, i) => i + 1);
  return depths.map((depth) => {
    const up = depth === 0 ? "\\./" : `(\\.\\./){${depth}}`;
    const all = [
      ...folders.map((name) => `^${up}${name}(/|$)`),
      ...(siblings ? ["^\\./"] : []),
      ...packages.map((p) => `^${p.replace("*", ".*")}$`),
    ];
    return {
      files: depth === 0 ? [root] : [`${root}/${"*/".repeat(depth - 1)}*.ts`],
      rules: {
        "no-restricted-imports": ["error", { patterns: all.map((regex) => ({ regex, message: reason })) }],
        // require() and import() too; esquery regexes cannot contain "/", so it is written \x2F.
        "no-restricted-syntax": [
          "error",
          ...all.flatMap((regex) => {
            const re = regex.replace(/\//g, "\\x2F");
            return [
              {
                selector: `CallExpression[callee.name='require'][arguments.0.value=/${re}/]`,
                message: reason,
              },
              { selector: `ImportExpression[source.value=/${re}/]`, message: reason },
            ];
          }),
        ],
      },
    };
  });
}

const PROGRAM_REASON =
  "The Pulumi program (index.ts, stacks/) deploys on its own: it never needs the checks, commands or tests.";

export default tseslint.config(
  { ignores: ["node_modules/**", ".venv/**", "dist/**", "out/**", ".plan/**", "policy/node_modules/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Handlers parse untrusted JSON; `unknown` plus narrowing is the rule, `any` needs a reason.
      "@typescript-eslint/no-explicit-any": "warn",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  ...boundary(
    "handlers",
    { folders: ["stacks", "verify", "policy", "scripts", "test", "bench"], packages: ["@pulumi/*"] },
    "handlers/ is the Lambda code: it runs in AWS without the Pulumi program, the checks or the commands.",
  ),
  ...boundary("index.ts", { folders: ["verify", "policy", "scripts", "test", "bench"] }, PROGRAM_REASON),
  ...boundary("stacks", { folders: ["verify", "policy", "scripts", "test", "bench"] }, PROGRAM_REASON),
  ...boundary(
    "policy",
    { folders: ["stacks", "handlers", "verify", "scripts", "test", "bench"], packages: ["@pulumi/aws"] },
    "policy/ is a standalone CrossGuard pack (its own package.json): it sees resources, never the program's code.",
  ),
  ...boundary(
    "verify",
    { folders: ["scripts", "test", "bench"] },
    "verify/ is product code: commands and tests use it, not the other way round.",
  ),
  ...boundary(
    "scripts",
    { folders: ["test", "bench"], siblings: true },
    "scripts/ holds thin command entry points: shared code lives in verify/ (or stacks/, handlers/), never in another command.",
  ),
);
