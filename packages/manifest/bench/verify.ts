/**
 * Full client verification time (`verifyTransparency`) for a proof from a tree of `leaves` random
 * sites with 3 witness cosignatures, quorum 3. Anchors measured in the same run: one Ed25519
 * verification through WebCrypto (what the verifier uses when available), node:crypto and
 * @noble/ed25519 (the lazy fallback), and the resource hash of the manifest line.
 */
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { nodeEd25519 } from "../src/ed25519-node.ts";
import { resourceHashOf } from "../src/resource-hash.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { makeWorld, optionsFor, randomTree } from "../test/helpers/world.ts";

export interface Timing {
  name: string;
  /** Wall-clock time per op. */
  perOpUs: number;
  /** Process CPU time (all threads, so WebCrypto's worker-thread jobs count) per op. */
  cpuPerOpUs: number;
  ops: number;
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Wall-clock and process CPU time per op. The bench machine is shared: wall-clock rates swing with
 * other jobs' load, process CPU time much less, so the goals compare CPU times.
 */
export async function time(name: string, ops: number, f: () => unknown | Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(20, ops); i++) await f();
  const c0 = cpuUs();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) await f();
  const perOpUs = ((performance.now() - t0) * 1000) / ops;
  return { name, perOpUs, cpuPerOpUs: (cpuUs() - c0) / ops, ops };
}

export async function measureVerify(
  leaves: number,
  ops: number,
): Promise<{ timings: Timing[]; proofBytes: number; buildMs: number }> {
  const t0 = performance.now();
  const tree = randomTree(leaves);
  const buildMs = performance.now() - t0;
  const w = makeWorld({ tree, witnesses: 3 });
  const opts = optionsFor(w, { quorum: 3 });
  const check = await verifyTransparency(w.response, opts);
  if (!check.ok) throw new Error(`bench world does not verify: ${check.detail}`);

  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const msg = new TextEncoder().encode("waict-cosignature/v1\ntime 1\nx/prefix-tree\n1\nAAAA\n");
  const sig = nodeSign(null, msg, privateKey);
  const wkey = await crypto.subtle.importKey(
    "raw",
    publicKey.export({ format: "der", type: "spki" }).subarray(12),
    "Ed25519",
    false,
    ["verify"],
  );
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512;
  const nsk = ed.utils.randomSecretKey();
  const npk = ed.getPublicKey(nsk);
  const nsig = ed.sign(msg, nsk);

  const timings = [
    await time(`verifyTransparency (${leaves} leaves, 3 cosignatures, quorum 3)`, ops, () =>
      verifyTransparency(w.response, opts),
    ),
    await time(`verifyTransparency, Ed25519 via ./node's nodeEd25519 (${leaves} leaves, quorum 3)`, ops, () =>
      verifyTransparency(w.response, { ...opts, ed25519: nodeEd25519 }),
    ),
    await time("anchor: 1 Ed25519 verify, WebCrypto", ops * 2, () =>
      crypto.subtle.verify("Ed25519", wkey, sig, msg),
    ),
    await time("anchor: 1 Ed25519 verify, node:crypto", ops * 5, () => nodeVerify(null, msg, publicKey, sig)),
    await time("anchor: 1 Ed25519 verify, @noble/ed25519", ops, () => ed.verify(nsig, msg, npk)),
    await time(`anchor: resource hash of the ${w.manifestLine.length} B manifest line`, ops * 5, () =>
      resourceHashOf(w.manifestLine),
    ),
  ];
  return { timings, proofBytes: w.proof.length, buildMs };
}
