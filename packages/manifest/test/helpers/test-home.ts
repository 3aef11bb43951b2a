/**
 * The test runs' HOME: a fresh temporary directory, so no test (and no mutant during `pnpm mutate`)
 * reads or writes the user's `~/.sealroom` (the CLI's default preload store, cli/preload-store.ts).
 * Used by vitest.config.ts and vitest.mutate.config.ts as `env`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function testHome(): { HOME: string } {
  return { HOME: mkdtempSync(join(tmpdir(), "sealroom-test-home-")) };
}
