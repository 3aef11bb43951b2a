// README.md "Usage", verbatim, its free names declared after it (test/readme-examples.test.ts).
import {
  applyBatch,
  fastSha256, // optional: the unrolled allocation-free SHA-256 (default: hash-chain's sha256Small)
  keyForDomain,
  MemoryPageStore,
  PrefixTree,
  proveBatch,
  verifyBatch,
  verifyInclusion,
} from "@sealroom/prefix-tree";

const tree = new PrefixTree({ hash: fastSha256, store: new MemoryPageStore() });

const batch = {
  events: [
    {
      domain: "example.com",
      assetHosts: ["https://cdn.example.com"],
      newResourceHash,
      timestamp: 1767225600n,
    },
  ],
};
const oldRoot = tree.root(); // H("") for the empty tree
const proof = proveBatch(tree, batch); // before applying: compact proof for witnesses
const newRoot = applyBatch(tree, batch); // replays, or throws BatchError and changes nothing
verifyBatch(oldRoot, proof, batch); // === newRoot, computed with no tree

const key = keyForDomain("Example.COM."); // normalised: H("waict-kh" || "example.com")
const value = tree.get(key)!; // H("waict-ch" || head ChainNode)
const inc = tree.proveInclusion(key)!; // "mptproof" || 0x01 || value || segments
verifyInclusion(newRoot, key, value, inc, fastSha256); // true

declare const newResourceHash: Uint8Array;
