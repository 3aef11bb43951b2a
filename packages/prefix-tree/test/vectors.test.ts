import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeRoot, fastSha256, PrefixTree, type Sha256, verifyInclusion } from "../src/index.ts";
import { nodeSha256 } from "./helpers.ts";

const dir = new URL("../vectors/waict-mpt/", import.meta.url);
const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const lines = (f: string) =>
  readFileSync(new URL(f, dir), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

interface Leaf {
  key: string;
  value: string;
}
const roots = lines("mpt_root_kats.jsonl") as { label: string; root: string; leaves: Leaf[] }[];
const incl = lines("mpt_inclusion_kats.jsonl") as {
  label: string;
  root: string;
  leaves: Leaf[];
  target_index: number;
  proof: string;
}[];
const neg = lines("mpt_invalid_inclusion_kats.jsonl") as {
  label: string;
  root: string;
  key: string;
  value: string;
  proof: string;
}[];

function build(leaves: Leaf[], maxLeavesPerPage?: number, hash?: Sha256): PrefixTree {
  const t = new PrefixTree({ ...(maxLeavesPerPage ? { maxLeavesPerPage } : {}), ...(hash ? { hash } : {}) });
  for (const l of leaves) t.set(b64(l.key), b64(l.value));
  return t;
}

describe("WAICT MPT vectors", () => {
  it("has the expected counts", () => {
    expect([roots.length, incl.length, neg.length]).toEqual([24, 36, 5]);
  });
  describe.each(roots)("root $label", (v) => {
    it("matches by incremental set, bulk build, small pages and computeRoot", () => {
      const want = b64(v.root);
      expect(build(v.leaves).root()).toEqual(want);
      expect(build(v.leaves, 2).root()).toEqual(want);
      expect(build(v.leaves, 2, fastSha256).root()).toEqual(want);
      expect(build(v.leaves, undefined, fastSha256).root()).toEqual(want);
      const keys = v.leaves.map((l) => b64(l.key));
      const values = v.leaves.map((l) => b64(l.value));
      expect(PrefixTree.bulkBuild(keys, values).root()).toEqual(want);
      expect(PrefixTree.bulkBuild(keys, values, { maxLeavesPerPage: 2 }).root()).toEqual(want);
      const t = new PrefixTree({ maxLeavesPerPage: 3 });
      t.setMany(keys, values);
      expect(t.root()).toEqual(want);
      const pairs = v.leaves.map((l) => [b64(l.key), b64(l.value)] as const);
      expect(computeRoot(pairs)).toEqual(want);
      // The allocation-free hash (fastSha256.into) and a plain function (adapter) give the same.
      expect(computeRoot(pairs, fastSha256)).toEqual(want);
      expect(computeRoot(pairs, nodeSha256)).toEqual(want);
      expect(PrefixTree.bulkBuild(keys, values, { hash: fastSha256, maxLeavesPerPage: 2 }).root()).toEqual(
        want,
      );
      const f = new PrefixTree({ hash: fastSha256, maxLeavesPerPage: 3 });
      f.setMany(keys, values);
      expect(f.root()).toEqual(want);
    });
  });
  describe.each(incl)("inclusion $label", (v) => {
    it("produces the exact proof and verifies it", () => {
      const leaf = v.leaves[v.target_index] as Leaf;
      for (const t of [
        build(v.leaves),
        build(v.leaves, 2),
        build(v.leaves, 2, fastSha256),
        build(v.leaves, 5, nodeSha256),
      ]) {
        expect(t.root()).toEqual(b64(v.root));
        expect(t.proveInclusion(b64(leaf.key))).toEqual(b64(v.proof));
      }
      for (const h of [undefined, fastSha256, nodeSha256])
        expect(verifyInclusion(b64(v.root), b64(leaf.key), b64(leaf.value), b64(v.proof), h)).toBe(true);
    });
  });
  describe.each(neg)("negative $label", (v) => {
    it("does not verify", () => {
      for (const h of [undefined, fastSha256, nodeSha256])
        expect(verifyInclusion(b64(v.root), b64(v.key), b64(v.value), b64(v.proof), h)).toBe(false);
    });
  });
});
