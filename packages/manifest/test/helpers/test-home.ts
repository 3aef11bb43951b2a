/**
 * A vitest setup file (vitest.config.ts and vitest.mutate.config.ts `setupFiles`): before each test
 * file, `os.homedir()` answers a fresh temporary directory and SEALROOM_PRELOAD_DIR is unset, so no
 * test — and no mutant during `pnpm mutate` — reads or writes the user's `~/.sealroom` (the CLI's
 * default preload store, cli/preload-store.ts).
 *
 * Setting HOME is not enough: in a worker thread (Stryker's vitest runner uses them) `process.env` is
 * the thread's own copy while `os.homedir()` reads the process environment, and a mutant once wrote
 * `~/.sealroom/preload` that way, making later runs' `sealroom verify` apply a stray list. So the
 * function itself is replaced, for every importer (`syncBuiltinESMExports`).
 */
import { mkdtempSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import { join } from "node:path";

const home = mkdtempSync(join(os.tmpdir(), "sealroom-test-home-"));
process.env.HOME = home;
os.homedir = () => home;
syncBuiltinESMExports();
delete process.env.SEALROOM_PRELOAD_DIR;
