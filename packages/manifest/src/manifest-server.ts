/**
 * The site side of the manifest response (waict-integrity v2 "Manifest response":
 * `manifest \n base64(ChainHeadWithProof) \n`): which manifest line a site serves and with which
 * cosigned head, for a server (e.g. a Worker) that fetches its head from its transparency service
 * (`GET /leaf/<domain>`, waict-apis.md).
 *
 * Rules (Sealroom's; the drafts leave serving to the site):
 * - The head is fetched at most once per epoch of the service (`epochMs`) and kept until the next
 *   epoch boundary; a failed or malformed fetch keeps the last good head (a service that is
 *   between a seal and its cosignatures answers 503: the previous cosigned head stays valid).
 * - The served manifest is the one the latest cosigned head logs. A release whose manifest is not
 *   logged yet (deployed before `sealroom append`, or between the append and its cosignature) keeps
 *   the previous manifest served with the last head that logged it: the old manifest stops being
 *   served only once a cosigned head logs the new one.
 * - A tombstone head (all-zero resource hash: the site unenrolled) is served with the current
 *   manifest; verifiers answer `unenrolled` without matching the line.
 * - With no head that logs any known manifest, the current manifest is served with the latest head
 *   (verification then fails with `resource_hash_mismatch`, which is the truth), or nothing at all
 *   before the first head (`undefined`: the caller answers 503) unless the store remembers a head
 *   that logged the current manifest (served as `logged`) or an older one (`previous`).
 * - With a `store` (manifest-store.ts), what one process learnt outlives it: each head that logs a
 *   held manifest is recorded (when its position changes, else at most every `persistEveryMs`), and a
 *   new process reads the store before its first answer, so an isolate started between a release's
 *   append and its deploy still serves its own manifest with the last head that logged it. A store
 *   that fails is skipped (serving goes on from memory).
 */
import { isTombstone } from "@sealroom/hash-chain";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { type ChainHeadWithProof, decodeChainHeadWithProof } from "./chain-head-with-proof.ts";
import { encodeManifestResponse } from "./manifest-response.ts";
import type { LoggedManifest, ManifestStore } from "./manifest-store.ts";
import { resourceHashOf } from "./resource-hash.ts";

/** Fetches the site's current `ChainHeadWithProof` bytes; `undefined` (or a throw) when unavailable. */
export type HeadSource = () => Promise<Uint8Array | undefined>;

export interface ManifestServerOptions {
  fetchHead: HeadSource;
  /** The service's epoch length in ms (its `EPOCH_MS`): a head is re-fetched once per epoch. */
  epochMs: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Manifests remembered besides the current one (default 4; oldest forgotten first). */
  keep?: number;
  /** Durable memory shared by the site's processes (default none: memory only). */
  store?: ManifestStore;
  /** With a store: re-record an unchanged position at most this often, in ms (default 60 000). */
  persistEveryMs?: number;
}

export interface ServedManifestResponse {
  /** The response body: `manifest \n base64(proof) \n`. */
  body: Uint8Array;
  /** The manifest line served (the current one or an older logged one). */
  manifest: Uint8Array;
  /** `logged`: the head logs this manifest; `previous`: an older logged manifest is kept while the
   * current one is not logged yet; `tombstone`; `unlogged`: no known manifest is logged. */
  state: "logged" | "previous" | "tombstone" | "unlogged";
  head: ChainHeadWithProof;
  /** When the head was fetched (ms); for a head served from the store while the service has not
   * answered since this process started, the time of this answer. */
  fetchedAt: number;
}

interface Held {
  line: Uint8Array;
  /** The newest head bytes that logged this manifest. */
  proof?: Uint8Array;
  /** Order in which it was logged (higher = newer). */
  loggedSeq: number;
  /** Position in the chain of the head in `proof`, and when it was last recorded in the store. */
  position?: bigint;
  persistedAt?: number;
}

/** Serves a site's manifest response; one instance per site, kept for the server's lifetime. */
export class ManifestServer {
  readonly #opts: Required<Omit<ManifestServerOptions, "now" | "store">> & {
    now: () => number;
    store?: ManifestStore;
  };
  readonly #held = new Map<string, Held>();
  #latest?: { bytes: Uint8Array; head: ChainHeadWithProof; fetchedAt: number };
  #nextFetch = 0;
  #inflight?: Promise<void>;
  #seq = 0;
  #loaded = false;

  constructor(opts: ManifestServerOptions) {
    if (!(opts.epochMs > 0)) throw new RangeError("epochMs must be positive");
    this.#opts = { keep: 4, persistEveryMs: 60_000, now: () => Date.now(), ...opts };
  }

  /** The next time (ms) the head will be fetched again: the next epoch boundary. */
  get nextFetch(): number {
    return this.#nextFetch;
  }

  /** Forgets the cached head so the next `respond` fetches (e.g. right after an append). */
  invalidate(): void {
    this.#nextFetch = 0;
  }

  /**
   * The manifest response to serve now, given the current build's manifest line; `undefined`
   * while no head was ever fetched.
   */
  async respond(current: Uint8Array): Promise<ServedManifestResponse | undefined> {
    const currentKey = this.#remember(current);
    await this.#refresh();
    const latest = this.#latest;
    const out = (manifest: Uint8Array, proof: Uint8Array, state: ServedManifestResponse["state"]) => ({
      body: encodeManifestResponse(manifest, proof),
      manifest,
      state,
      head: proof === latest?.bytes ? latest.head : decodeChainHeadWithProof(proof),
      fetchedAt: latest?.fetchedAt ?? this.#opts.now(),
    });
    if (!latest) {
      // Service unreachable since this process started: serve what the store remembers, if anything.
      const mine = this.#held.get(currentKey) as Held; // remembered above, never forgotten
      if (mine.proof) return out(mine.line, mine.proof, "logged");
      const best = this.#newestLogged();
      return best?.proof ? out(best.line, best.proof, "previous") : undefined;
    }
    if (isTombstone(latest.head.head.entry)) return out(current, latest.bytes, "tombstone");
    const logged = this.#held.get(encodeBase64(latest.head.head.entry.resourceHash));
    if (logged)
      return out(logged.line, latest.bytes, logged === this.#held.get(currentKey) ? "logged" : "previous");
    // The head logs a manifest we do not hold: keep the newest one we saw logged.
    const best = this.#newestLogged();
    if (best?.proof) return out(best.line, best.proof, "previous");
    return out(current, latest.bytes, "unlogged");
  }

  #newestLogged(): Held | undefined {
    let best: Held | undefined;
    for (const h of this.#held.values()) if (h.proof && (!best || h.loggedSeq > best.loggedSeq)) best = h;
    return best;
  }

  #remember(line: Uint8Array): string {
    const key = encodeBase64(resourceHashOf(line));
    const h = this.#held.get(key);
    if (h) {
      // Most recently used last, so the oldest is forgotten first.
      this.#held.delete(key);
      this.#held.set(key, h);
      return key;
    }
    this.#held.set(key, { line: line.slice(), loggedSeq: 0 });
    while (this.#held.size > this.#opts.keep + 1) {
      const oldest = this.#held.keys().next().value as string;
      this.#held.delete(oldest);
    }
    return key;
  }

  async #refresh(): Promise<void> {
    if (this.#opts.now() < this.#nextFetch && this.#latest) return;
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    await this.#inflight;
  }

  /** Reads the store once, before the first head is judged: its manifests count as logged earlier. */
  async #load(): Promise<void> {
    const store = this.#opts.store;
    if (this.#loaded || !store) return;
    let stored: readonly LoggedManifest[];
    try {
      stored = await store.list();
    } catch {
      return; // try again at the next fetch
    }
    // An empty store is read again at the next fetch (another process may fill it meanwhile).
    this.#loaded = stored.length > 0;
    const mine = [...this.#held];
    // Oldest first; Number() of a bigint difference keeps its sign (and a non-zero one stays non-zero).
    for (const e of [...stored].sort((a, b) => Number(a.position - b.position))) {
      const key = encodeBase64(resourceHashOf(e.line));
      this.#held.set(key, {
        line: e.line.slice(),
        proof: e.proof.slice(),
        loggedSeq: ++this.#seq,
        position: e.position,
      });
    }
    // This process's manifests stay the most recently used (the current one is never forgotten).
    for (const [key, h] of mine) {
      const known = this.#held.get(key);
      this.#held.delete(key);
      this.#held.set(key, known && !h.proof ? { ...known, line: h.line } : h);
    }
    while (this.#held.size > this.#opts.keep + 1) this.#held.delete(this.#held.keys().next().value as string);
  }

  async #persist(h: Held, t: number): Promise<void> {
    const store = this.#opts.store;
    if (!store || !h.proof || h.position === undefined) return;
    try {
      await store.put({ line: h.line, proof: h.proof, position: h.position });
      h.persistedAt = t;
    } catch {
      // memory still serves; the next head retries
    }
  }

  async #fetch(): Promise<void> {
    await this.#load();
    const { epochMs, now, persistEveryMs } = this.#opts;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#opts.fetchHead();
    } catch {
      // unavailable: `bytes` stays undefined
    }
    const t = now();
    this.#nextFetch = (Math.floor(t / epochMs) + 1) * epochMs;
    if (!bytes) return;
    let head: ChainHeadWithProof;
    try {
      head = decodeChainHeadWithProof(bytes);
    } catch {
      return; // malformed: keep the last good head
    }
    this.#latest = { bytes: bytes.slice(), head, fetchedAt: t };
    const held = this.#held.get(encodeBase64(head.head.entry.resourceHash));
    if (held) {
      const position = head.head.entry.positionInChain;
      const moved = held.position !== position;
      held.proof = this.#latest.bytes;
      held.loggedSeq = ++this.#seq;
      held.position = position;
      if (moved || held.persistedAt === undefined || t - held.persistedAt >= persistEveryMs)
        await this.#persist(held, t);
    }
  }
}
