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

/** Ratio of `a`'s to `b`'s process CPU per op, paired: the median of per-round ratios. */
export interface PairedRatio {
  name: string;
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/**
 * CPU cost of `a` relative to `b`, measured in `rounds` alternating windows of `opsPerRound` ops
 * each (`a` then `b`, then `b` then `a`, ...), reporting the median of the per-round ratios. On a
 * shared machine the load drifts by several times within seconds; two long back-to-back runs then
 * compare different machines, while adjacent short windows see about the same load.
 */
export async function pairedRatio(
  name: string,
  rounds: number,
  opsPerRound: number,
  a: () => unknown | Promise<unknown>,
  b: () => unknown | Promise<unknown>,
): Promise<PairedRatio> {
  const window = async (f: () => unknown | Promise<unknown>) => {
    const c0 = cpuUs();
    for (let i = 0; i < opsPerRound; i++) await f();
    return (cpuUs() - c0) / opsPerRound;
  };
  for (let i = 0; i < Math.min(50, opsPerRound); i++) {
    await a();
    await b();
  }
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ta: number;
    let tb: number;
    if (r % 2 === 0) {
      ta = await window(a);
      tb = await window(b);
    } else {
      tb = await window(b);
      ta = await window(a);
    }
    ratios.push(ta / tb);
  }
  ratios.sort((x, y) => x - y);
  return {
    name,
    median: ratios[Math.floor(rounds / 2)]!,
    min: ratios[0]!,
    max: ratios[rounds - 1]!,
    rounds,
  };
}

export async function measureVerify(
  leaves: number,
  ops: number,
): Promise<{ timings: Timing[]; paired: PairedRatio[]; proofBytes: number; buildMs: number }> {
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
  // Issue 12's ratio, paired: verifyTransparency against its quorum's three signature checks done
  // the way it does them (three concurrent WebCrypto verifies; three node:crypto verifies).
  const rounds = Math.max(5, Math.round(ops / 50)) | 1;
  const perRound = 25;
  const paired = [
    await pairedRatio(
      "verifyTransparency / 3 WebCrypto verifies",
      rounds,
      perRound,
      () => verifyTransparency(w.response, opts),
      () => Promise.all([0, 1, 2].map(() => crypto.subtle.verify("Ed25519", wkey, sig, msg))),
    ),
    await pairedRatio(
      "verifyTransparency with nodeEd25519 / 3 node:crypto verifies",
      rounds,
      perRound,
      () => verifyTransparency(w.response, { ...opts, ed25519: nodeEd25519 }),
      () => {
        for (let j = 0; j < 3; j++) nodeVerify(null, msg, publicKey, sig);
      },
    ),
  ];
  return { timings, paired, proofBytes: w.proof.length, buildMs };
}
