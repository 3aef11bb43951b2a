/**
 * `ChainNode` and the chain hash (waict-apis.md "The Transparency Service", "Hash Computations"):
 *
 *     struct {
 *         Entry entry;
 *         uint8 chain_hash[32];
 *     } ChainNode;                               // 112 bytes
 *
 * The first node of a chain has chain_hash = 32 zero bytes; node k > 0 has
 * chain_hash = H("waict-ch" || ChainNode k-1). So `chain_hash` commits to the whole history
 * *before* its own entry, and `nextChainHash(head)` commits to the whole chain including the
 * head: it is the prefix tree value of the site (docs/wire-formats.md "Prefix tree") and what the WAICT blog post calls "the final
 * chain hash". This package calls that value the chain's *digest*.
 */
import { assertBytes } from "./bytes.ts";
import { assertEntry, ENTRY_SIZE, type Entry, readEntry, writeEntry } from "./entry.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { checkDigest, HASH_SIZE, type Sha256, sha256, TAG_SIZE, Tag } from "./hash.ts";

export interface ChainNode {
  entry: Entry;
  /** H("waict-ch" || previous node), or 32 zero bytes for position 0. */
  chainHash: Uint8Array;
}

/** Encoded size of a `ChainNode`. */
export const CHAIN_NODE_SIZE = 112;

export function assertChainNode(n: ChainNode, name = "node"): void {
  if (typeof n !== "object" || n === null) throw new TypeError(`"${name}" must be a ChainNode`);
  assertEntry(n.entry, `${name}.entry`);
  assertBytes(n.chainHash, `${name}.chainHash`, HASH_SIZE);
}

export function writeChainNode(out: Uint8Array, offset: number, n: ChainNode): void {
  writeEntry(out, offset, n.entry);
  out.set(n.chainHash, offset + ENTRY_SIZE);
}

export function encodeChainNode(n: ChainNode): Uint8Array {
  assertChainNode(n);
  const out = new Uint8Array(CHAIN_NODE_SIZE);
  writeChainNode(out, 0, n);
  return out;
}

/** Decodes exactly one 112-byte `ChainNode`; any other length is a `DecodeError`. */
export function decodeChainNode(b: Uint8Array): ChainNode {
  assertBytes(b, "bytes");
  if (b.length < CHAIN_NODE_SIZE) {
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, `ChainNode needs ${CHAIN_NODE_SIZE} bytes`);
  }
  if (b.length > CHAIN_NODE_SIZE) {
    throw new DecodeError(HashChainErrorCode.Trailing, CHAIN_NODE_SIZE, "bytes after ChainNode");
  }
  return { entry: readEntry(b, 0), chainHash: b.slice(ENTRY_SIZE, CHAIN_NODE_SIZE) };
}

// Hot path of appends and proof verification: tag and node are written into one 120-byte buffer,
// with no intermediate encoding and no argument re-validation (callers validated the node).
function chainHashUnchecked(entry: Entry, chainHash: Uint8Array, hash: Sha256): Uint8Array {
  const buf = new Uint8Array(TAG_SIZE + CHAIN_NODE_SIZE);
  buf.set(Tag.ChainHash, 0);
  writeEntry(buf, TAG_SIZE, entry);
  buf.set(chainHash, TAG_SIZE + ENTRY_SIZE);
  return checkDigest(hash(buf));
}

/**
 * H("waict-ch" || encodeChainNode(prev)): the chain hash of the node after `prev`, and equally
 * the digest of the chain whose head is `prev` (the site's prefix tree value).
 */
export function nextChainHash(prev: ChainNode, hash: Sha256 = sha256): Uint8Array {
  assertChainNode(prev, "prev");
  return chainHashUnchecked(prev.entry, prev.chainHash, hash);
}

/** Internal: `nextChainHash` for already-validated values. */
export function nextChainHashOf(entry: Entry, chainHash: Uint8Array, hash: Sha256): Uint8Array {
  return chainHashUnchecked(entry, chainHash, hash);
}
