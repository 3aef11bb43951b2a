// README.md "Usage", verbatim, its free names declared after it (test/readme-examples.test.ts).
import {
  checkpointOf,
  decodeChainInclusionProof,
  encodeChainInclusionProof,
  resourceHash,
  SiteChain,
  verifyChainConsistency,
  verifyChainInclusion,
} from "@sealroom/hash-chain";

const chain = new SiteChain(); // or new SiteChain({ hash: myFastSyncSha256 })
chain.append({
  timeCreated: 1760000000n,
  resourceHash: resourceHash(manifestLine),
  assetHosts: ["https://assets.example/"],
}); // first entry: hosts required
chain.append({ timeCreated: 1760003600n, resourceHash: resourceHash(nextLine) }); // hosts unchanged

const head = chain.head!; // ChainNode; the prefix tree value is nextChainHash(head)
const trusted = checkpointOf(head); // { size, digest, lastTime }
const proof = decodeChainInclusionProof(encodeChainInclusionProof(chain.proveInclusion(0n)));
verifyChainInclusion(trusted, chain.entry(0n), proof); // true

const older = chain.checkpoint(1n); // what a monitor stored earlier
verifyChainConsistency(older, trusted, chain.proveConsistency(1n)); // true

declare const manifestLine: Uint8Array;
declare const nextLine: Uint8Array;
