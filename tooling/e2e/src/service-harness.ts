/**
 * Helpers for the e2e tests that drive the transparency service with the real `sealroom` binary
 * and play its witness themselves (the witness app's own e2e is witnessed-log.test.ts).
 */
import { join } from "node:path";
import { decodeBase64 } from "@sealroom/hash-chain/base64";
import { type CosignerKey, formatSignatureLine, signCosignature } from "@sealroom/prefix-tree/note";
import { ROOT, run } from "./workspace.ts";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the real `sealroom` binary (packages/manifest/src/cli.ts) in a child Node process. */
export async function sealroomCli(cwd: string, args: string[]): Promise<CliResult> {
  const r = await run(process.execPath, [join(ROOT, "packages/manifest/src/cli.ts"), ...args], {
    cwd,
    timeoutMs: 60_000,
  });
  return { code: r.code ?? -1, out: r.stdout, err: r.stderr };
}

export interface PlayedWitness {
  /** Tree sizes cosigned so far. */
  readonly cosigned: number;
  stop(): Promise<void>;
}

/**
 * A witness played by the test: polls `/checkpoint` every 100 ms and cosigns each new tree size with
 * a real Ed25519 key (a real witness also verifies the batches; this one trusts the service).
 */
export function playWitness(service: string, tdomain: string, key: CosignerKey): PlayedWitness {
  let running = true;
  let cosigned = 0;
  const loop = (async () => {
    let last = -1;
    while (running) {
      try {
        const cp = (await (await fetch(`${service}/checkpoint`)).json()) as { size: number; root: string };
        if (cp.size > 0 && cp.size !== last) {
          const sig = signCosignature(
            key,
            { tdomain, size: BigInt(cp.size), root: decodeBase64(cp.root)! },
            Math.floor(Date.now() / 1000),
          );
          const r = await fetch(`${service}/upload-cosignature/${cp.size}`, {
            method: "POST",
            body: formatSignatureLine(sig),
          });
          if (r.status !== 200) throw new Error(`upload-cosignature answered ${r.status}: ${await r.text()}`);
          last = cp.size;
          cosigned++;
        }
      } catch (e) {
        if (running) console.error(e);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    get cosigned() {
      return cosigned;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
