/**
 * Cosignature policy of `verifyTransparency` at its exact bounds, found by mutation testing
 * (`pnpm mutate`): the age limit and the clock-skew allowance to the second, the quorum exactly met
 * and one short, which detail each shortfall gets (stale, future, both), unknown keys ignored, a
 * bad line from a trusted key rejecting the note, an untrusted service, and the quorum argument.
 */

import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  encodeChainHeadWithProof,
  encodeManifestResponse,
  verifyTransparency,
} from "../src/index.ts";
import { makeWorld, NOW, optionsFor, witnessKeys } from "./helpers/world.ts";

const verify = (w: ReturnType<typeof makeWorld>, extra: Record<string, unknown> = {}) =>
  verifyTransparency(w.response, optionsFor(w, extra));

describe("verifyTransparency cosignature bounds", () => {
  it(`a cosignature exactly ${DEFAULT_MAX_AGE} s old counts; one second older does not`, async () => {
    const edge = makeWorld({
      cosignTimes: [NOW - DEFAULT_MAX_AGE, NOW - DEFAULT_MAX_AGE, NOW - DEFAULT_MAX_AGE],
    });
    expect(await verify(edge)).toMatchObject({ ok: true });
    expect(await verify(edge, { now: NOW + 1 })).toMatchObject({ ok: false, detail: "stale_cosignatures" });
    expect(await verify(edge, { now: NOW + 1, maxAge: DEFAULT_MAX_AGE + 1 })).toMatchObject({ ok: true });
    expect(
      await verify(edge, { now: NOW + 10 * DEFAULT_MAX_AGE, maxAge: Number.POSITIVE_INFINITY }),
    ).toMatchObject({
      ok: true,
    });
  });

  it(`a cosignature ${DEFAULT_MAX_FUTURE_SKEW} s ahead counts; one second more does not`, async () => {
    const t = NOW + DEFAULT_MAX_FUTURE_SKEW;
    const edge = makeWorld({ cosignTimes: [t, t, t] });
    expect(await verify(edge)).toMatchObject({ ok: true });
    expect(await verify(edge, { now: NOW - 1 })).toMatchObject({ ok: false, detail: "future_cosignatures" });
    expect(await verify(edge, { now: NOW - 1, maxFutureSkew: DEFAULT_MAX_FUTURE_SKEW + 1 })).toMatchObject({
      ok: true,
    });
  });

  it("the quorum exactly met passes; one short fails; the detail names what was ignored", async () => {
    const w = makeWorld({
      cosignTimes: [NOW - 60, NOW - DEFAULT_MAX_AGE - 1, NOW + DEFAULT_MAX_FUTURE_SKEW + 1],
    });
    expect(await verify(w, { quorum: 1 })).toMatchObject({ ok: true });
    const r = await verify(w, { quorum: 2 });
    expect(r).toMatchObject({
      ok: false,
      reason: "invalid_transparency_proof",
      detail: "too_few_cosignatures",
    });
    const stale = makeWorld({ cosignTimes: [NOW - 60, NOW - DEFAULT_MAX_AGE - 1, NOW - 60] });
    expect(await verify(stale, { quorum: 3 })).toMatchObject({ ok: false, detail: "stale_cosignatures" });
    expect(await verify(stale, { quorum: 2 })).toMatchObject({ ok: true });
    const future = makeWorld({ cosignTimes: [NOW - 60, NOW + 3600, NOW - 60] });
    expect(await verify(future, { quorum: 3 })).toMatchObject({ ok: false, detail: "future_cosignatures" });
    // Nothing stale or early: simply too few trusted witnesses.
    const w1 = makeWorld({ witnesses: 1 });
    expect(await verify(w1, { quorum: 2 })).toMatchObject({ ok: false, detail: "too_few_cosignatures" });
  });

  it("lines from unknown keys are ignored; a bad line from a trusted key rejects the note", async () => {
    const w = makeWorld();
    const strangers = witnessKeys(5).slice(3).map(formatCosignerVerifierKey);
    // Trust two of the three signers plus two keys that signed nothing: quorum 2 is met.
    const keys = [w.vkeys[0], w.vkeys[1], ...strangers];
    expect(await verify(w, { witnessKeys: keys, quorum: 2 })).toMatchObject({ ok: true });
    expect(await verify(w, { witnessKeys: keys, quorum: 3 })).toMatchObject({
      ok: false,
      detail: "too_few_cosignatures",
    });
    // Tamper with one trusted signature line (a base64 character inside the signature).
    const lines = new TextDecoder().decode(w.signedRoot).split("\n");
    const i = lines.findIndex((l) => l.startsWith("\u2014 witness-0.example "));
    expect(i).toBeGreaterThan(0);
    const line = lines[i]!;
    const pos = line.length - 20;
    lines[i] = line.slice(0, pos) + (line[pos] === "A" ? "B" : "A") + line.slice(pos + 1);
    const signedPrefixRoot = new TextEncoder().encode(lines.join("\n"));
    const proof = encodeChainHeadWithProof({ head: w.head, incProof: w.incProof, signedPrefixRoot });
    const tampered = encodeManifestResponse(new TextDecoder().decode(w.manifestLine), proof);
    const r = await verifyTransparency(tampered, optionsFor(w, { quorum: 1 }));
    expect(r).toMatchObject({ ok: false, detail: "bad_cosignature" });
    // The same tampered line from a key the client does not trust is just ignored.
    const r2 = await verifyTransparency(tampered, optionsFor(w, { witnessKeys: [w.vkeys[1], w.vkeys[2]] }));
    expect(r2).toMatchObject({ ok: true });
  });

  it("refuses an untrusted service and a quorum below 1 or not an integer", async () => {
    const w = makeWorld();
    expect(await verify(w, { trustedServices: ["other.example"] })).toMatchObject({
      ok: false,
      detail: "untrusted_service",
    });
    expect(await verify(w, { trustedServices: ["other.example", w.service] })).toMatchObject({ ok: true });
    for (const quorum of [0, -1, 1.5]) {
      await expect(verify(w, { quorum })).rejects.toThrow(RangeError);
    }
    expect(await verify(w, { quorum: 3 })).toMatchObject({ ok: true });
    expect(await verify(w, { quorum: 4 })).toMatchObject({ ok: false, detail: "too_few_cosignatures" });
  });
});
