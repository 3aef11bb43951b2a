/**
 * Helpers for the e2e tests that drive the transparency service with the real `sealroom` binary
 * and play its witness themselves (the witness app's own e2e is witnessed-log.test.ts).
 */
import { createServer, type RequestListener } from "node:http";
import { join } from "node:path";
import { decodeBase64 } from "@sealroom/hash-chain/base64";
import {
  type CosignerKey,
  formatCosignerVerifierKey,
  formatSignatureLine,
  signCosignature,
} from "@sealroom/prefix-tree/note";
import { ROOT, run, startWorker, stop } from "./workspace.ts";

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

export interface LocalServiceOptions {
  /** The service's port and its inspector's (each test file its own, so files can run side by side). */
  port: number;
  inspectorPort: number;
  persistTo: string;
  tdomain: string;
  witness: CosignerKey;
  epochMs: number;
  /** The enrolled site: its domain, the 127.0.0.1 port it listens on, and what it serves. */
  site: { domain: string; port: number; serve: RequestListener };
}

export interface LocalService {
  readonly witness: PlayedWitness;
  /** Stops the witness, the service and the site, in that order. */
  stop(): Promise<void>;
}

/**
 * A local site on 127.0.0.1, the transparency service under `wrangler dev` (workerd, DO SQLite) with
 * that site mapped by `DEV_ORIGINS`, a one-witness quorum, and the witness played by `playWitness`.
 */
export async function startLocalService(o: LocalServiceOptions): Promise<LocalService> {
  const site = createServer(o.site.serve);
  await new Promise<void>((r) => site.listen(o.site.port, "127.0.0.1", r));
  const vars: Record<string, string> = {
    TREE_DOMAIN: o.tdomain,
    WITNESS_KEYS: formatCosignerVerifierKey(o.witness),
    WITNESS_QUORUM: "1",
    WITNESS_NOTIFY_URLS: "",
    EPOCH_MS: String(o.epochMs),
    APPEND_TIMEOUT_MS: "30000",
    DEV_ORIGINS: JSON.stringify({ [o.site.domain]: `http://127.0.0.1:${o.site.port}` }),
  };
  let child: Awaited<ReturnType<typeof startWorker>>;
  try {
    child = await startWorker("transparency", {
      port: o.port,
      inspectorPort: o.inspectorPort,
      persistTo: o.persistTo,
      vars,
    });
  } catch (e) {
    await new Promise((r) => site.close(r));
    throw e;
  }
  const witness = playWitness(`http://127.0.0.1:${o.port}`, o.tdomain, o.witness);
  return {
    witness,
    async stop() {
      await witness.stop();
      await stop(child);
      await new Promise((r) => site.close(r));
    },
  };
}
