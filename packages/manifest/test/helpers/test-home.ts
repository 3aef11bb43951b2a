/**
 * A vitest setup file (vitest.config.ts and vitest.mutate.config.ts `setupFiles`): before each test
 * file, the process gets a fresh temporary HOME and no SEALROOM_PRELOAD_DIR, so no test — and no
 * mutant during `pnpm mutate` — reads or writes the user's `~/.sealroom` (the CLI's default preload
 * store, cli/preload-store.ts). A setup file, not the config's `env`: Stryker's vitest runner runs
 * the tests in its own processes, where `env` was not applied and a mutant once wrote
 * `~/.sealroom/preload`, making later runs' `sealroom verify` apply a stray list.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.HOME = mkdtempSync(join(tmpdir(), "sealroom-test-home-"));
delete process.env.SEALROOM_PRELOAD_DIR;
