import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeRoot, PrefixTree, verifyInclusion } from "../src/index.ts";

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

function build(leaves: Leaf[], maxLeavesPerPage?: number): PrefixTree {
  const t = new PrefixTree(maxLeavesPerPage ? { maxLeavesPerPage } : {});
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
      const keys = v.leaves.map((l) => b64(l.key));
      const values = v.leaves.map((l) => b64(l.value));
      expect(PrefixTree.bulkBuild(keys, values).root()).toEqual(want);
      expect(PrefixTree.bulkBuild(keys, values, { maxLeavesPerPage: 2 }).root()).toEqual(want);
      const t = new PrefixTree({ maxLeavesPerPage: 3 });
      t.setMany(keys, values);
      expect(t.root()).toEqual(want);
      expect(computeRoot(v.leaves.map((l) => [b64(l.key), b64(l.value)] as const))).toEqual(want);
    });
  });
  describe.each(incl)("inclusion $label", (v) => {
    it("produces the exact proof and verifies it", () => {
      const leaf = v.leaves[v.target_index] as Leaf;
      for (const t of [build(v.leaves), build(v.leaves, 2)]) {
        expect(t.root()).toEqual(b64(v.root));
        expect(t.proveInclusion(b64(leaf.key))).toEqual(b64(v.proof));
      }
      expect(verifyInclusion(b64(v.root), b64(leaf.key), b64(leaf.value), b64(v.proof))).toBe(true);
    });
  });
  describe.each(neg)("negative $label", (v) => {
    it("does not verify", () => {
      expect(verifyInclusion(b64(v.root), b64(v.key), b64(v.value), b64(v.proof))).toBe(false);
    });
  });
});
