/**
 * Tests for mutation testing (`pnpm mutate`, stryker.config.mjs): the whole suite, run from
 * Stryker's sandbox (`.mutation/tmp/sandbox-*`, a copy of this package), except
 * `bundle-size.test.ts`, which measures the gzipped bytes of a Vite build of `src/` (instrumented
 * code is several times larger, and the sandbox leaves out `bench/`): it guards size, not
 * behaviour, and still runs in `pnpm test`.
 *
 * `cli.test.ts`'s "the real binary" test is left out too: it runs `node src/cli.ts` in a child
 * process, where no mutant is ever active (Stryker switches mutants inside its own test process),
 * so it cannot kill one; with `manifest.ts` instrumented, that child exits 1 instead of 2.
 *
 * `lists-entry.mutants.test.ts`'s "exactly MAX_PRELOAD_LIST_BYTES encodes …" is left out as well: it
 * encodes and decodes a 64 MiB list of 256k domains (2 s in `pnpm test`, over a minute
 * instrumented). The size-bound mutants it kills are listed in mutation/equivalent.json as
 * "killed outside Stryker", each checked by hand against the test.
 *
 * `ed25519.test.ts` imports prefix-tree's shared vectors by a path relative to this package
 * (`../../prefix-tree/test/…`), which does not exist inside the sandbox: the alias points it at the
 * repository's copy wherever the config runs from.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeConfig } from "@sealroom/vitest-config";

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("no pnpm-workspace.yaml above the vitest config");
    dir = up;
  }
  return dir;
}

const config = nodeConfig({
  include: ["test/**/*.test.ts"],
  exclude: ["test/bundle-size.test.ts"],
  setupFiles: ["./test/helpers/test-home.ts"],
  testNamePattern: /^(?!.*(the real binary \(node src\/cli\.ts\)|exactly MAX_PRELOAD_LIST_BYTES encodes))/,
});

export default {
  ...config,
  resolve: {
    alias: [
      {
        find: /^\.\.\/\.\.\/prefix-tree\/test\//,
        replacement: `${join(repoRoot(), "packages", "prefix-tree", "test")}/`,
      },
    ],
  },
};
