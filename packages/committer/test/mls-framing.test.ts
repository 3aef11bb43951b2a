/**
 * The sequencer's MLS header reader (RFC 9420 §6) on the MLS working group's interop vectors
 * (vectors/mls/messages.json) and on ts-mls output, cross-checked against ts-mls's full decoder.
 */
import { readFileSync } from "node:fs";
import { decodeMlsMessage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { DecodeError } from "../src/errors.ts";
import { MlsWireFormat, readCommitFraming, readWireFormat } from "../src/mls-framing.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";

const vectors: Record<string, string>[] = JSON.parse(
  readFileSync(new URL("../vectors/mls/messages.json", import.meta.url), "utf8"),
);
const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

describe("MLS framing reader", () => {
  it("reads wire formats of the interop vectors", () => {
    expect(vectors.length).toBe(50);
    for (const v of vectors) {
      expect(readWireFormat(hex(v.mls_welcome!))).toBe(MlsWireFormat.Welcome);
      expect(readWireFormat(hex(v.mls_group_info!))).toBe(MlsWireFormat.GroupInfo);
      expect(readWireFormat(hex(v.mls_key_package!))).toBe(MlsWireFormat.KeyPackage);
    }
  });

  it("reads group id and epoch of public commits exactly as ts-mls decodes them", () => {
    let commits = 0;
    for (const v of vectors) {
      const b = hex(v.public_message_commit!);
      const [m] = decodeMlsMessage(b, 0)!;
      if (m.wireformat !== "mls_public_message") throw new Error("expected public message");
      const f = readCommitFraming(b);
      expect(f.epoch).toBe(m.publicMessage.content.epoch);
      expect(f.groupId).toEqual(m.publicMessage.content.groupId);
      commits++;
      expect(() => readCommitFraming(hex(v.public_message_application!))).toThrow(DecodeError);
      expect(() => readCommitFraming(hex(v.public_message_proposal!))).toThrow(DecodeError);
    }
    expect(commits).toBe(50);
  });

  it("accepts a private message exactly when its clear content type is commit", () => {
    for (const v of vectors) {
      const b = hex(v.private_message!);
      const [m] = decodeMlsMessage(b, 0)!;
      if (m.wireformat !== "mls_private_message") throw new Error("expected private message");
      if (m.privateMessage.contentType === "commit") {
        expect(readCommitFraming(b).epoch).toBe(m.privateMessage.epoch);
      } else {
        expect(() => readCommitFraming(b)).toThrow(DecodeError);
      }
    }
  });

  let engine: TsMlsEngine;
  beforeAll(async () => {
    engine = await TsMlsEngine.create();
  });

  it("reads the epoch of ts-mls commits (private and as sent by the committer)", async () => {
    const a = await engine.generateKeyPackage("a");
    const b = await engine.generateKeyPackage("b");
    const g = await engine.createGroup(new TextEncoder().encode("gid"), a.keyPackage, a.secret);
    const c1 = await engine.commit(g, [b.keyPackage], []);
    expect(readCommitFraming(c1.commit)).toEqual({
      wireFormat: 2,
      groupId: new TextEncoder().encode("gid"),
      epoch: 0n,
    });
    expect(readWireFormat(c1.welcome!)).toBe(MlsWireFormat.Welcome);
    const c2 = await engine.commit(c1.group, [], [1]);
    expect(readCommitFraming(c2.commit).epoch).toBe(1n);
  });
});
