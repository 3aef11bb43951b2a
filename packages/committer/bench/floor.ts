/**
 * The ts-mls join floor: what a join costs in MLS alone, with no protocol, codec or sequencer around it.
 * A group of `members` is built directly with ts-mls, then `reps` times one more member is added:
 * the joiner's key package, the committer's commit of one Add, the joiner processing the Welcome.
 * The committer bench prints it beside join -> keys; the Chromium call bench (tooling/e2e/bench/call.ts)
 * measures it in the same run as its anchor.
 */
import { createCommit, createGroup, decodeMlsMessage, emptyPskIndex, joinGroup } from "ts-mls";
import type { TsMlsEngine } from "../src/ts-mls-engine.ts";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function kpOf(bytes: Uint8Array) {
  const [m] = decodeMlsMessage(bytes, 0)!;
  if (m.wireformat !== "mls_key_package") throw new Error("kp");
  return m.keyPackage;
}

/** ts-mls alone: a group of `members` built directly, then one more Add committed and joined. */
export async function mlsJoinFloor(
  engine: TsMlsEngine,
  members: number,
  reps: number,
): Promise<{ kpMs: number; commitMs: number; joinMs: number }> {
  const kps = await Promise.all(
    Array.from({ length: members + reps }, (_, i) => engine.generateKeyPackage(`m${i}`)),
  );
  let state = await createGroup(
    new TextEncoder().encode("anchor"),
    kpOf(kps[0]!.keyPackage),
    kps[0]!.secret,
    [],
    engine.impl,
  );
  if (members > 1) {
    const r = await createCommit(
      { state, cipherSuite: engine.impl },
      {
        extraProposals: kps
          .slice(1, members)
          .map((k) => ({ proposalType: "add" as const, add: { keyPackage: kpOf(k.keyPackage) } })),
        ratchetTreeExtension: true,
      },
    );
    state = r.newState;
  }
  const commitMs: number[] = [];
  const joinMs: number[] = [];
  const kpMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const tk = performance.now();
    await engine.generateKeyPackage("probe");
    kpMs.push(performance.now() - tk);
    const k = kps[members + i]!;
    const t0 = performance.now();
    const r = await createCommit(
      { state, cipherSuite: engine.impl },
      {
        extraProposals: [{ proposalType: "add", add: { keyPackage: kpOf(k.keyPackage) } }],
        ratchetTreeExtension: true,
      },
    );
    commitMs.push(performance.now() - t0);
    const t1 = performance.now();
    await joinGroup(r.welcome!, kpOf(k.keyPackage), k.secret, emptyPskIndex, engine.impl);
    joinMs.push(performance.now() - t1);
  }
  return { kpMs: median(kpMs), commitMs: median(commitMs), joinMs: median(joinMs) };
}
