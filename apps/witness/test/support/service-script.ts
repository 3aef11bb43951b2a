/**
 * Test side (workerd) of the scripted service: `Scenario` publishes bytes (honest ones from
 * `HonestLog`, or crafted) to the Node server and reads back what the witness uploaded.
 */
import { decodeBase64 as base64Decode, encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import { inject } from "vitest";
import { type HonestLog, TREE_DOMAIN } from "./honest-log.ts";

export { event, HonestLog, type Sealed, TREE_DOMAIN } from "./honest-log.ts";

let counter = 0;

/** One scenario (its own path on the scripted server, so tests do not share state). */
export class Scenario {
  readonly id = `s${Date.now().toString(36)}${(counter++).toString(36)}`;
  readonly url = `${inject("serviceBase")}/${this.id}`;
  /** Each scenario speaks for its own tree domain, hence its own witness Durable Object. */
  readonly treeDomain = `${this.id}.${TREE_DOMAIN}`;

  async control(body: unknown): Promise<void> {
    const res = await fetch(`${this.url}/_control`, { method: "PUT", body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`control: ${res.status} ${await res.text()}`);
  }

  /** Serves `log` honestly: every batch and bundle, checkpoint at its size (overridable). */
  async publish(
    log: HonestLog,
    checkpoint: Partial<{ tree_domain: string; size: number; root: Uint8Array }> = {},
  ) {
    const batches: Record<string, string> = {};
    const bundles: Record<string, string> = {};
    log.sealed.forEach((s, i) => {
      batches[i] = base64Encode(s.batch);
      bundles[i] = base64Encode(s.bundle);
    });
    const size = checkpoint.size ?? log.size;
    await this.control({
      batches,
      bundles,
      checkpoint: {
        tree_domain: checkpoint.tree_domain ?? this.treeDomain,
        size,
        root: base64Encode(checkpoint.root ?? log.rootAt(size)),
        time: 1_767_225_600,
        cosignatures: [],
      },
    });
  }

  async uploads(): Promise<{ n: number; body: string }[]> {
    return (await fetch(`${this.url}/_control/uploads`)).json();
  }
}

export const b64 = base64Encode;
export const unb64 = (s: string) => base64Decode(s)!;
