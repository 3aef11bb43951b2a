/**
 * What `verifyBatch` refuses beyond a wrong root, and how `proveBatch` fails: proofs rewritten so the
 * old root and the claimed new root stay exactly the same (a pruned two-leaf subtree written out as
 * an inner node with two pruned children; an untouched leaf shown with its chain head; a touched
 * leaf shown as untouched, with the root a verifier that took it for absent would compute), a failing
 * hash function, batch bytes that do not decode, and a tree that holds a leaf but not its head.
 * Each rewrite is first checked to keep the proof valid in an accepted form, so a refusal is the
 * check under test, not a slip in the rewrite.
 */
import { encodeChainNode } from "@sealroom/hash-chain";
import { describe, expect, it } from "vitest";
import { bitAt } from "../src/bytes.ts";
import {
  applyBatch,
  keyForDomain,
  PrefixTree,
  PrefixTreeError,
  proveBatch,
  type TreeEvent,
  verifyBatch,
} from "../src/index.ts";

const HEADER = 41;
const ev = (domain: string, t: bigint, hosts: readonly string[] | null, r = 1): TreeEvent => ({
  domain,
  assetHosts: hosts,
  newResourceHash: new Uint8Array(32).fill(r),
  timestamp: t,
});

interface N {
  tag: number;
  start: number;
  end: number;
  depth: number;
}

/** The proof's nodes in pre-order, with their byte ranges (the format in src/batch-proof.ts). */
function nodes(p: Uint8Array): N[] {
  const out: N[] = [];
  let o = HEADER;
  const walk = (depth: number): void => {
    const n: N = { tag: p[o] as number, start: o, end: 0, depth };
    out.push(n);
    o += 1;
    if (n.tag === 0) o += 32;
    else if (n.tag === 1) o += 64;
    else if (n.tag === 4) o += 32 + 112;
    else if (n.tag === 2) {
      o += 1;
      walk(depth + 1);
      walk(depth + 1);
    }
    n.end = o;
  };
  walk(0);
  expect(o).toBe(p.length);
  return out;
}

const splice = (p: Uint8Array, n: N, bytes: Uint8Array): Uint8Array =>
  Uint8Array.from([...p.subarray(0, n.start), ...bytes, ...p.subarray(n.end)]);

function seeded(domains: string[]): PrefixTree {
  const t = new PrefixTree();
  applyBatch(t, { events: domains.map((d, i) => ev(d, 10n, ["https://h"], i + 1)) });
  return t;
}

/** The hash of a lone leaf: the root of a one-leaf tree. */
const leafHash = (key: Uint8Array, value: Uint8Array) => PrefixTree.bulkBuild(key, value).root();

describe("verifyBatch refuses non-canonical proofs of the right tree", () => {
  it("an inner node whose two children are both pruned", () => {
    // Three sites where the root splits one site from the other two.
    let picked: { t: PrefixTree; lone: string; pair: [string, string] } | undefined;
    for (let i = 0; !picked; i++) {
      const ds = [`a${i}.example`, `b${i}.example`, `c${i}.example`];
      const ks = ds.map((d) => keyForDomain(d));
      const t = seeded(ds);
      const top = nodes(proveBatch(t, { events: [ev(ds[0]!, 20n, null)] }));
      // Root inner, the batch's leaf and one pruned subtree holding the other two sites.
      if (top.length === 3 && top[0]!.tag === 2) {
        const bit = (t.rootPage.nodeBit[t.rootPage.root] as number) ?? -1;
        const side = (k: Uint8Array) => bitAt(k, 0, bit);
        if (side(ks[1]!) === side(ks[2]!) && side(ks[0]!) !== side(ks[1]!))
          picked = { t, lone: ds[0]!, pair: [ds[1]!, ds[2]!] };
      }
    }
    const { t, lone, pair } = picked;
    const batch = { events: [ev(lone, 20n, null)] };
    const oldRoot = t.root();
    const proof = proveBatch(t, batch);
    const pruned = nodes(proof).find((n) => n.tag === 0)!;
    const [k1, k2] = pair.map((d) => keyForDomain(d)) as [Uint8Array, Uint8Array];
    let d = 0;
    while (bitAt(k1, 0, d) === bitAt(k2, 0, d)) d++;
    const [l, r] = bitAt(k1, 0, d) === 0 ? [k1, k2] : [k2, k1];
    const v = (k: Uint8Array) => t.get(k)!;
    // Written out with its two leaves, the proof is still valid (same roots).
    const asLeaves = splice(proof, pruned, Uint8Array.from([2, d, 1, ...l, ...v(l), 1, ...r, ...v(r)]));
    const want = verifyBatch(oldRoot, proof, batch);
    expect(want).not.toBeNull();
    expect(verifyBatch(oldRoot, asLeaves, batch)).toEqual(want);
    // Written out with two pruned children, it proves nothing more and is refused.
    const asPruned = splice(
      proof,
      pruned,
      Uint8Array.from([2, d, 0, ...leafHash(l, v(l)), 0, ...leafHash(r, v(r))]),
    );
    expect(verifyBatch(oldRoot, asPruned, batch)).toBeNull();
  });

  it("a leaf no batch key reaches, shown with its chain head (0x04)", () => {
    const ds = Array.from({ length: 12 }, (_, i) => `site${i}.example`);
    const t = seeded(ds);
    const batch = { events: [ev("newcomer.example", 20n, ["https://h"])] };
    const oldRoot = t.root();
    const proof = proveBatch(t, batch);
    const want = verifyBatch(oldRoot, proof, batch);
    expect(want).toEqual(
      (() => {
        const copy = seeded(ds);
        return applyBatch(copy, batch);
      })(),
    );
    // The newcomer's descent ends at another site's leaf, below the root.
    const leaves = nodes(proof).filter((n) => n.tag === 1);
    expect(leaves).toHaveLength(1);
    const leaf = leaves[0]!;
    expect(leaf.depth).toBeGreaterThan(0);
    const key = proof.slice(leaf.start + 1, leaf.start + 33);
    const head = t.heads.getHead(key)!;
    const shown = splice(proof, leaf, Uint8Array.from([4, ...key, ...encodeChainNode(head)]));
    expect(nodes(shown).filter((n) => n.tag === 4)).toHaveLength(1);
    expect(verifyBatch(oldRoot, shown, batch)).toBeNull();
  });
});

describe("verifyBatch refuses a present key shown as an untouched leaf", () => {
  it("its own 0x01 leaf would make it look absent: a new chain, with the proof claiming that tree's root", () => {
    const ds = Array.from({ length: 6 }, (_, i) => `site${i}.example`);
    const t = seeded(ds);
    const K = keyForDomain("site3.example");
    const batch = { events: [ev("site3.example", 20n, ["https://h"], 9)] };
    const oldRoot = t.root();
    const proof = proveBatch(t, batch);
    const touched = nodes(proof).filter((n) => n.tag === 4);
    expect(touched).toHaveLength(1);
    const vOld = t.get(K)!;
    // The key's leaf shown as 0x01 with its own key and value: the leaf hash, so the old root, is
    // unchanged.
    const forged = splice(proof, touched[0]!, Uint8Array.from([1, ...K, ...vOld]));
    const H = (...parts: Uint8Array[]) => t.hash(Uint8Array.from(parts.flatMap((p) => [...p])));
    // Read as a new site, the key's value would be a first chain entry's (as in a tree without it),
    // inserted next to the old leaf at "bit 256" (written as the byte 0).
    const fresh = new PrefixTree();
    applyBatch(fresh, batch);
    const vNew = fresh.get(K)!;
    const forgedLeaf = H(H(K, vNew), H(K, vOld), Uint8Array.of(0));
    let o = HEADER;
    const rootOf = (replaceK: boolean): Uint8Array => {
      const tag = forged[o++] as number;
      const take = (n: number) => {
        o += n;
        return forged.slice(o - n, o);
      };
      if (tag === 0) return take(32);
      if (tag === 1) {
        const key = take(32);
        const value = take(32);
        return replaceK && key.every((b, i) => b === K[i]) ? forgedLeaf : H(key, value);
      }
      expect(tag).toBe(2);
      const bit = forged[o++] as number;
      const l = rootOf(replaceK);
      const r = rootOf(replaceK);
      return H(l, r, Uint8Array.of(bit));
    };
    expect(rootOf(false)).toEqual(oldRoot);
    o = HEADER;
    const claimed = rootOf(true);
    expect(claimed).not.toEqual(verifyBatch(oldRoot, proof, batch));
    const withClaim = Uint8Array.from(forged);
    withClaim.set(claimed, 9);
    expect(verifyBatch(oldRoot, withClaim, batch)).toBeNull();
    expect(verifyBatch(oldRoot, forged, batch)).toBeNull();
  });
});

describe("verifyBatch and proveBatch: errors", () => {
  it("a failing hash function is an error, not a proof that does not verify", () => {
    const t = seeded(["a.example", "b.example"]);
    const batch = { events: [ev("a.example", 20n, null)] };
    const proof = proveBatch(t, batch);
    class HashDown extends Error {}
    let calls = 0;
    const flaky = (d: Uint8Array) => {
      if (++calls > 3) throw new HashDown("hash service unavailable");
      return t.hash(d);
    };
    expect(() => verifyBatch(t.root(), proof, batch, flaky)).toThrow(HashDown);
  });

  it("batch bytes that do not decode give null", () => {
    const t = seeded(["a.example"]);
    const proof = proveBatch(t, { events: [ev("a.example", 20n, null)] });
    expect(verifyBatch(t.root(), proof, new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it("proveBatch on a tree that holds a leaf but not its chain head names the key", () => {
    const key = keyForDomain("a.example");
    const t = PrefixTree.bulkBuild(key, new Uint8Array(32).fill(7));
    const batch = { events: [ev("a.example", 20n, ["https://h"])] };
    let err: unknown;
    try {
      proveBatch(t, batch);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PrefixTreeError);
    expect((err as Error).message).toMatch(/^no chain head stored for key [0-9a-f]{64}$/);
  });
});
