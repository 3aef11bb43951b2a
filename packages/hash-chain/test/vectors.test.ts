/**
 * Drives vectors/chain-vectors.json, produced by vectors/gen_chain_vectors.py (Python hashlib,
 * written from the draft text independently of src/): every intermediate byte string must match.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assetHostsHash,
  encodeAssetHosts,
  encodeChainNode,
  encodeEntry,
  resourceHash,
  SiteChain,
  verifyEntries,
} from "../src/index.ts";
import { hex, unhex } from "./helpers.ts";

interface Step {
  time: string;
  resource_hex: string | null;
  asset_hosts: string[] | null;
  asset_hosts_encoded_hex: string | null;
  resource_hash_hex: string;
  asset_hosts_hash_hex: string;
  entry_hex: string;
  node_hex: string;
  digest_hex: string;
}
const vectors: { steps: Step[] } = JSON.parse(
  readFileSync(new URL("../vectors/chain-vectors.json", import.meta.url), "utf8"),
);

describe("independent Python vectors", () => {
  it("has 5 steps", () => expect(vectors.steps.length).toBe(5));

  it("every hash, entry, node and digest matches", () => {
    const chain = new SiteChain();
    for (const s of vectors.steps) {
      const rh = s.resource_hex === null ? new Uint8Array(32) : resourceHash(unhex(s.resource_hex));
      expect(hex(rh)).toBe(s.resource_hash_hex);
      if (s.asset_hosts !== null) {
        expect(hex(encodeAssetHosts(s.asset_hosts))).toBe(s.asset_hosts_encoded_hex);
        expect(hex(assetHostsHash(s.asset_hosts))).toBe(s.asset_hosts_hash_hex);
      }
      const node = chain.append({
        timeCreated: BigInt(s.time),
        resourceHash: rh,
        ...(s.asset_hosts === null ? {} : { assetHosts: s.asset_hosts }),
      });
      expect(hex(encodeEntry(node.entry))).toBe(s.entry_hex);
      expect(hex(encodeChainNode(node))).toBe(s.node_hex);
      expect(hex(chain.digest)).toBe(s.digest_hex);
    }
    expect(verifyEntries(chain.checkpoint(), chain.entries())).toBe(true);
  });
});
