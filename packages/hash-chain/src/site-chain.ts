/**
 * `SiteChain`: one site's append-only chain as the transparency service keeps it
 * (waict-apis.md "Append to resource chain", "Enrollment via HTTPS"; docs/wire-formats.md "Hash chain").
 *
 * Append rules, each refused with a typed `HashChainError`:
 *  - position_in_chain is 0 for the first entry, then previous + 1 (code `position-mismatch`);
 *  - time_created never goes backwards (`time-backwards`); equal times are allowed, since the
 *    service stamps whole seconds and may append twice within one;
 *  - asset hosts are either unchanged (keep the previous hash) or replaced by a new set; the
 *    first entry must name a set (`missing-asset-hosts`).
 * A tombstone (all-zero resource hash) is an ordinary entry: unenrolment keeps the chain, and a
 * later re-enrolment continues it (docs/wire-formats.md "Tree events and batches").
 *
 * The class also serves what the draft's read endpoints need (entries tiles, chain hashes) and
 * the WAICT blog post's inclusion and consistency proofs for any past size. Storage is in memory; services
 * persist `entries` and rebuild with `SiteChain.fromEntries`. In memory a chain holds at most
 * 2^32 - 1 entries (tiles address 2^32 positions, and a JS buffer of 120-byte slots would run out
 * long before u64).
 */

import { assetHostsHash } from "./asset-hosts.ts";
import { assertU64 } from "./bytes.ts";
import { CHAIN_NODE_SIZE, type ChainNode } from "./chain-node.ts";
import type { ChainCheckpoint } from "./checkpoint.ts";
import type { ChainConsistencyProof } from "./consistency-proof.ts";
import { encodeEntriesTile } from "./entries-tile.ts";
import { assertEntry, ENTRY_SIZE, type Entry, readEntry } from "./entry.ts";
import { HashChainError, HashChainErrorCode } from "./errors.ts";
import { checkDigest, HASH_SIZE, type Sha256, sha256, TAG_SIZE, Tag } from "./hash.ts";
import type { ChainInclusionProof } from "./inclusion-proof.ts";
import { ENTRIES_TILE_INDEX_LIMIT, TILE_WIDTH } from "./tile-path.ts";

/** What a caller supplies to append; the chain fills in the position. */
export interface AppendInput {
  timeCreated: bigint;
  resourceHash: Uint8Array;
  /** New asset host set (replaces the old one). Omit both this and `assetHostsHash` to keep it. */
  assetHosts?: readonly string[];
  /** New asset hosts hash, when the caller already hashed the set. */
  assetHostsHash?: Uint8Array;
}

export interface SiteChainOptions {
  /** Synchronous SHA-256 to use instead of the default `sha256Small` (e.g. node:crypto). */
  hash?: Sha256;
}

// Storage layout: one growing buffer of 120-byte slots, slot k = "waict-ch" || ChainNode k. The
// tag is stored in every slot so that the digest after node k is H(slot k) with no copying, and
// a chain of a million entries is one allocation instead of millions of small objects.
const MAX_LENGTH = 2 ** 32 - 1;
const SLOT = TAG_SIZE + CHAIN_NODE_SIZE;
const HASH_AT = TAG_SIZE + ENTRY_SIZE;

export class SiteChain {
  #buf: Uint8Array = new Uint8Array(SLOT * 16);
  #view: DataView = new DataView(this.#buf.buffer);
  #length = 0;
  #lastTime = 0n;
  #digest: Uint8Array = new Uint8Array(HASH_SIZE);
  readonly #hash: Sha256;

  constructor(options: SiteChainOptions = {}) {
    this.#hash = options.hash ?? sha256;
  }

  /** Rebuilds a chain from stored entries, enforcing every append rule. */
  static fromEntries(entries: Iterable<Entry>, options: SiteChainOptions = {}): SiteChain {
    const c = new SiteChain(options);
    for (const e of entries) c.appendEntry(e);
    return c;
  }

  /** Number of entries (u64). */
  get size(): bigint {
    return BigInt(this.#length);
  }

  /** The head node, or undefined for an empty chain. */
  get head(): ChainNode | undefined {
    return this.#length === 0 ? undefined : this.#nodeAt(this.#length - 1);
  }

  /** Digest of the whole chain: H("waict-ch" || head), or zeros when empty. The tree value. */
  get digest(): Uint8Array {
    return this.#digest.slice();
  }

  /** Digest at a past size (0 ..= size): the chain_hash the node at that position carries. */
  digestAt(size: bigint): Uint8Array {
    const s = this.#checkSize(size, "size");
    return s === this.#length ? this.#digest.slice() : this.#chainHashAt(s);
  }

  /** The draft's `/chain-hash/<domain>/<N>`: the chain hash after entry N (digest at N + 1). */
  chainHashAfter(position: bigint): Uint8Array {
    const i = this.#checkPosition(position);
    return this.digestAt(BigInt(i + 1));
  }

  /** Checkpoint at a past size (default: now), with the last entry's time. */
  checkpoint(size: bigint = this.size): ChainCheckpoint {
    const s = this.#checkSize(size, "size");
    const digest = this.digestAt(BigInt(s));
    return s === 0
      ? { size: 0n, digest }
      : { size: BigInt(s), digest, lastTime: this.#entryAt(s - 1).timeCreated };
  }

  entry(position: bigint): Entry {
    return this.#entryAt(this.#checkPosition(position));
  }

  node(position: bigint): ChainNode {
    return this.#nodeAt(this.#checkPosition(position));
  }

  /** All nodes, oldest first (copies). */
  *nodes(): IterableIterator<ChainNode> {
    for (let i = 0; i < this.#length; i++) yield this.#nodeAt(i);
  }

  /** All entries, oldest first (copies). */
  entries(): Entry[] {
    return this.#entriesIn(0, this.#length);
  }

  /** Appends the next entry; the position is implied. Returns the new head node. */
  append(input: AppendInput): ChainNode {
    if (typeof input !== "object" || input === null) throw new TypeError('"input" must be an AppendInput');
    let hostsHash: Uint8Array;
    if (input.assetHosts !== undefined && input.assetHostsHash !== undefined) {
      throw new HashChainError(
        HashChainErrorCode.AmbiguousAssetHosts,
        "give assetHosts or assetHostsHash, not both",
      );
    }
    if (input.assetHosts !== undefined) {
      hostsHash = assetHostsHash(input.assetHosts, this.#hash);
    } else if (input.assetHostsHash !== undefined) {
      hostsHash = input.assetHostsHash;
    } else {
      if (this.#length === 0) {
        throw new HashChainError(
          HashChainErrorCode.MissingAssetHosts,
          "the first entry must name its asset hosts",
        );
      }
      const o = (this.#length - 1) * SLOT + TAG_SIZE + 48;
      hostsHash = this.#buf.subarray(o, o + HASH_SIZE);
    }
    return this.appendEntry({
      positionInChain: BigInt(this.#length),
      timeCreated: input.timeCreated,
      resourceHash: input.resourceHash,
      assetHostsHash: hostsHash,
    });
  }

  /** Appends a complete entry, checking its position and time against the head. */
  appendEntry(entry: Entry): ChainNode {
    assertEntry(entry);
    const n = this.#length;
    if (entry.positionInChain !== BigInt(n)) {
      throw new HashChainError(
        HashChainErrorCode.PositionMismatch,
        `entry position ${entry.positionInChain}, expected ${n}`,
      );
    }
    // #lastTime is 0n while the chain is empty, and assertEntry allows no time below 0.
    if (entry.timeCreated < this.#lastTime) {
      throw new HashChainError(
        HashChainErrorCode.TimeWentBackwards,
        `time ${entry.timeCreated} is before the previous entry's ${this.#lastTime}`,
      );
    }
    if (n === MAX_LENGTH)
      throw new HashChainError(HashChainErrorCode.OutOfRange, "chain is full (in memory)");
    if ((n + 1) * SLOT > this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    const o = n * SLOT;
    const buf = this.#buf;
    buf.set(Tag.ChainHash, o);
    this.#view.setBigUint64(o + TAG_SIZE, entry.positionInChain);
    this.#view.setBigUint64(o + TAG_SIZE + 8, entry.timeCreated);
    buf.set(entry.resourceHash, o + TAG_SIZE + 16);
    buf.set(entry.assetHostsHash, o + TAG_SIZE + 48);
    buf.set(this.#digest, o + HASH_AT);
    this.#digest = checkDigest(this.#hash(buf.subarray(o, o + SLOT)));
    this.#length = n + 1;
    this.#lastTime = entry.timeCreated;
    return this.#nodeAt(n);
  }

  /** Inclusion of the entry at `index` in the chain as it was at `size` (default: now). */
  proveInclusion(index: bigint, size: bigint = this.size): ChainInclusionProof {
    const s = this.#checkSize(size, "size");
    const i = this.#checkPosition(index);
    if (i >= s)
      throw new HashChainError(HashChainErrorCode.OutOfRange, `index ${index} not below size ${size}`);
    return { index, chainHashBefore: this.#chainHashAt(i), entriesAfter: this.#entriesIn(i + 1, s) };
  }

  /** Consistency from size `oldSize` to `newSize` (default: now): entries oldSize .. newSize-1. */
  proveConsistency(oldSize: bigint, newSize: bigint = this.size): ChainConsistencyProof {
    const n = this.#checkSize(newSize, "newSize");
    const m = this.#checkSize(oldSize, "oldSize");
    if (m > n)
      throw new HashChainError(HashChainErrorCode.OutOfRange, `oldSize ${oldSize} > newSize ${newSize}`);
    return { oldSize, entries: this.#entriesIn(m, n) };
  }

  /** The bytes of entries tile `index` as it stands now (partial if the chain ends inside it). */
  entriesTile(index: bigint): Uint8Array {
    if (typeof index !== "bigint" || index < 0n || index >= ENTRIES_TILE_INDEX_LIMIT) {
      throw new RangeError('"index" must be a bigint in [0, 2^24)');
    }
    const start = index * BigInt(TILE_WIDTH);
    if (start >= this.size) throw new HashChainError(HashChainErrorCode.OutOfRange, `tile ${index} is empty`);
    const s = Number(start);
    return encodeEntriesTile(this.#entriesIn(s, Math.min(s + TILE_WIDTH, this.#length)));
  }

  #entryAt(i: number): Entry {
    return readEntry(this.#buf, i * SLOT + TAG_SIZE);
  }

  /** The chain hash stored in node `i` (i < length; the digest after the head is `#digest`). */
  #chainHashAt(i: number): Uint8Array {
    const o = i * SLOT + HASH_AT;
    return this.#buf.slice(o, o + HASH_SIZE);
  }

  #nodeAt(i: number): ChainNode {
    return { entry: this.#entryAt(i), chainHash: this.#chainHashAt(i) };
  }

  #entriesIn(from: number, to: number): Entry[] {
    const out: Entry[] = [];
    for (let i = from; i < to; i++) out.push(this.#entryAt(i));
    return out;
  }

  #checkSize(size: bigint, name: string): number {
    assertU64(size, name);
    if (size > this.size)
      throw new HashChainError(HashChainErrorCode.OutOfRange, `${name} ${size} > ${this.size}`);
    return Number(size);
  }

  #checkPosition(position: bigint): number {
    assertU64(position, "position");
    if (position >= this.size) {
      throw new HashChainError(
        HashChainErrorCode.OutOfRange,
        `position ${position} not below size ${this.size}`,
      );
    }
    return Number(position);
  }
}
