/**
 * Argument checks, exact decoder lengths, copies and the proof verifiers' every refusal (issue 18,
 * mutation testing). Each expectation fails if the check it names is removed or moved by one.
 */
import { describe, expect, it } from "vitest";
import {
  CHAIN_NODE_SIZE,
  type ChainNode,
  checkpointOf,
  DecodeError,
  decodeAssetHosts,
  decodeChainConsistencyProof,
  decodeChainInclusionProof,
  decodeChainNode,
  decodeEntriesTile,
  decodeEntry,
  type Entry,
  emptyCheckpoint,
  encodeChainConsistencyProof,
  encodeChainInclusionProof,
  encodeChainNode,
  encodeEntriesTile,
  encodeEntry,
  entriesEqual,
  HashChainError,
  HashChainErrorCode,
  isTombstone,
  isTombstoneHash,
  MAX_PROOF_ENTRIES,
  nextChainHash,
  nextChainNode,
  resourceHash,
  SiteChain,
  Tag,
  taggedHash,
  tileIndexOf,
  tilesForSize,
  tombstoneResourceHash,
  verifyChainConsistency,
  verifyChainInclusion,
  verifyEntries,
} from "../src/index.ts";
import { hex, nodeSha256 } from "./helpers.ts";

const U64_MAX = (1n << 64n) - 1n;
const h = (n: number) => new Uint8Array(32).fill(n);
const entry = (over: Partial<Entry> = {}): Entry => ({
  positionInChain: 0n,
  timeCreated: 10n,
  resourceHash: h(1),
  assetHostsHash: h(2),
  ...over,
});

function decodeErrorOf(f: () => unknown): [string, number] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return [(e as DecodeError).code, (e as DecodeError).offset];
  }
  return ["accepted", -1];
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HashChainError);
    return (e as HashChainError).code;
  }
  return "no error";
}

function chainOf(n: number): SiteChain {
  const c = new SiteChain();
  for (let i = 0; i < n; i++) {
    c.append({
      timeCreated: BigInt(100 + i),
      resourceHash: h(i + 1),
      ...(i === 0 ? { assetHosts: ["a"] } : {}),
    });
  }
  return c;
}

describe("argument checks name the field and the kind of error", () => {
  it("u64 fields: -1 and 2^64 are RangeErrors, 0 and 2^64 - 1 are fine, numbers are TypeErrors", () => {
    for (const field of ["positionInChain", "timeCreated"] as const) {
      expect(() => encodeEntry(entry({ [field]: -1n }))).toThrow(RangeError);
      expect(() => encodeEntry(entry({ [field]: 1n << 64n }))).toThrow(RangeError);
      expect(() => encodeEntry(entry({ [field]: 1 as unknown as bigint }))).toThrow(TypeError);
      expect(decodeEntry(encodeEntry(entry({ [field]: U64_MAX })))[field]).toBe(U64_MAX);
      expect(decodeEntry(encodeEntry(entry({ [field]: 0n })))[field]).toBe(0n);
    }
  });

  it("hash fields: exactly 32 bytes of Uint8Array", () => {
    for (const field of ["resourceHash", "assetHostsHash"] as const) {
      expect(() => encodeEntry(entry({ [field]: new Uint8Array(31) }))).toThrow(RangeError);
      expect(() => encodeEntry(entry({ [field]: new Uint8Array(33) }))).toThrow(RangeError);
      expect(() => encodeEntry(entry({ [field]: [...h(1)] as unknown as Uint8Array }))).toThrow(TypeError);
    }
    expect(() => encodeEntry(null as unknown as Entry)).toThrow(TypeError);
    expect(() => encodeEntry("e" as unknown as Entry)).toThrow(TypeError);
    expect(() => encodeChainNode({ entry: entry(), chainHash: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => encodeChainNode(null as unknown as ChainNode)).toThrow(TypeError);
    expect(() => decodeEntry([] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("checkpoints: shape, u64 size, 32-byte digest, optional u64 lastTime", () => {
    const ok = { size: 0n, digest: h(0) };
    expect(verifyEntries(ok, [])).toBe(true);
    expect(() => verifyEntries(null as unknown as typeof ok, [])).toThrow(TypeError);
    expect(() => verifyEntries({ ...ok, size: -1n }, [])).toThrow(RangeError);
    expect(() => verifyEntries({ ...ok, size: 0 as unknown as bigint }, [])).toThrow(TypeError);
    expect(() => verifyEntries({ ...ok, digest: new Uint8Array(31) }, [])).toThrow(RangeError);
    expect(() => verifyEntries({ ...ok, lastTime: -1n }, [])).toThrow(RangeError);
    expect(() => verifyEntries({ ...ok, lastTime: 1 as unknown as bigint }, [])).toThrow(TypeError);
    expect(() => verifyEntries({ size: 1n, digest: h(0) }, [{ ...entry(), timeCreated: -1n }])).toThrow(
      RangeError,
    );
  });

  it("an injected hash must return 32 bytes of Uint8Array", () => {
    const short = () => new Uint8Array(31);
    const text = () => "00".repeat(32) as unknown as Uint8Array;
    for (const bad of [short, text]) {
      expect(() => resourceHash(h(1), bad)).toThrow(TypeError);
      expect(() =>
        new SiteChain({ hash: bad }).append({ timeCreated: 1n, resourceHash: h(1), assetHostsHash: h(2) }),
      ).toThrow(TypeError);
      expect(() => nextChainHash({ entry: entry(), chainHash: h(0) }, bad)).toThrow(TypeError);
      expect(() => verifyEntries({ size: 1n, digest: h(0) }, [entry()], bad)).toThrow(TypeError);
    }
  });
});

describe("tagged hashes and tombstones", () => {
  it("tags are the draft's 8 ASCII bytes and taggedHash is H(tag || data)", () => {
    expect(Buffer.from(Tag.ResourceHash).toString()).toBe("waict-rh");
    expect(Buffer.from(Tag.ChainHash).toString()).toBe("waict-ch");
    expect(Buffer.from(Tag.AssetHostsHash).toString()).toBe("waict-ah");
    const data = Uint8Array.of(1, 2, 3);
    expect(hex(taggedHash(Tag.ChainHash, data))).toBe(
      hex(nodeSha256(Uint8Array.of(...Tag.ChainHash, 1, 2, 3))),
    );
    expect(hex(resourceHash(data))).toBe(hex(nodeSha256(Uint8Array.of(...Tag.ResourceHash, 1, 2, 3))));
    expect(hex(resourceHash(data, nodeSha256))).toBe(hex(resourceHash(data)));
    expect(() => resourceHash("x" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("a tombstone is exactly the all-zero resource hash", () => {
    expect(tombstoneResourceHash()).toEqual(h(0));
    const a = tombstoneResourceHash();
    a[0] = 1;
    expect(tombstoneResourceHash()).toEqual(h(0));
    expect(isTombstoneHash(h(0))).toBe(true);
    for (const at of [0, 31]) {
      const x = h(0);
      x[at] = 1;
      expect(isTombstoneHash(x)).toBe(false);
      expect(isTombstone(entry({ resourceHash: x }))).toBe(false);
    }
    expect(isTombstone(entry({ resourceHash: h(0) }))).toBe(true);
    expect(() => isTombstoneHash(new Uint8Array(31))).toThrow(RangeError);
    expect(() => isTombstone(entry({ resourceHash: new Uint8Array(33) }))).toThrow(RangeError);
  });

  it("entriesEqual compares every field", () => {
    const e = entry();
    expect(entriesEqual(e, entry())).toBe(true);
    expect(entriesEqual(e, entry({ positionInChain: 1n }))).toBe(false);
    expect(entriesEqual(e, entry({ timeCreated: 11n }))).toBe(false);
    for (const field of ["resourceHash", "assetHostsHash"] as const) {
      for (const at of [0, 31]) {
        const x = e[field].slice();
        x[at]! ^= 1;
        expect(entriesEqual(e, { ...e, [field]: x }), `${field}[${at}]`).toBe(false);
      }
    }
  });
});

describe("exact decoder lengths", () => {
  it("Entry: 80 bytes, 79 truncated, 81 trailing", () => {
    const b = encodeEntry(entry());
    expect(decodeEntry(b)).toEqual(entry());
    expect(decodeErrorOf(() => decodeEntry(b.subarray(0, 79)))).toEqual([HashChainErrorCode.Truncated, 79]);
    expect(decodeErrorOf(() => decodeEntry(Uint8Array.of(...b, 0)))).toEqual([
      HashChainErrorCode.Trailing,
      80,
    ]);
  });

  it("ChainNode: 112 bytes, 111 truncated, 113 trailing; the hashes are copies", () => {
    const node = { entry: entry(), chainHash: h(9) };
    const b = encodeChainNode(node);
    expect(b.length).toBe(CHAIN_NODE_SIZE);
    const back = decodeChainNode(b);
    expect(back).toEqual(node);
    b.fill(0);
    expect(back).toEqual(node);
    expect(decodeErrorOf(() => decodeChainNode(b.subarray(0, 111)))).toEqual([
      HashChainErrorCode.Truncated,
      111,
    ]);
    expect(decodeErrorOf(() => decodeChainNode(Uint8Array.of(...b, 0)))).toEqual([
      HashChainErrorCode.Trailing,
      112,
    ]);
    expect(() => decodeChainNode("x" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("proof headers: 12 and 44 bytes are the shortest proofs", () => {
    const cons = encodeChainConsistencyProof({ oldSize: 5n, entries: [] });
    expect(cons.length).toBe(12);
    expect(decodeChainConsistencyProof(cons)).toEqual({ oldSize: 5n, entries: [] });
    expect(decodeErrorOf(() => decodeChainConsistencyProof(cons.subarray(0, 11)))).toEqual([
      HashChainErrorCode.Truncated,
      11,
    ]);
    const inc = encodeChainInclusionProof({ index: 5n, chainHashBefore: h(3), entriesAfter: [] });
    expect(inc.length).toBe(44);
    expect(decodeChainInclusionProof(inc)).toEqual({ index: 5n, chainHashBefore: h(3), entriesAfter: [] });
    expect(decodeErrorOf(() => decodeChainInclusionProof(inc.subarray(0, 43)))).toEqual([
      HashChainErrorCode.Truncated,
      43,
    ]);
    expect(() => decodeChainInclusionProof(null as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => decodeChainConsistencyProof(null as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("entry vectors: length a multiple of 80, exactly the bytes present, positions within u64", () => {
    const one = encodeChainConsistencyProof({ oldSize: 0n, entries: [entry()] });
    expect(one.length).toBe(12 + 80);
    const notMultiple = one.slice(0, 12 + 79);
    notMultiple[11] = 79;
    expect(decodeErrorOf(() => decodeChainConsistencyProof(notMultiple))).toEqual([
      HashChainErrorCode.InvalidValue,
      8,
    ]);
    expect(decodeErrorOf(() => decodeChainConsistencyProof(one.subarray(0, 91)))).toEqual([
      HashChainErrorCode.Truncated,
      91,
    ]);
    expect(decodeErrorOf(() => decodeChainConsistencyProof(Uint8Array.of(...one, 0)))).toEqual([
      HashChainErrorCode.Trailing,
      92,
    ]);
    // One entry after position 2^64 - 2 fits; after 2^64 - 1 it does not.
    const at = (index: bigint) =>
      encodeChainInclusionProof({ index, chainHashBefore: h(0), entriesAfter: [entry()] });
    expect(decodeChainInclusionProof(at(U64_MAX - 1n)).index).toBe(U64_MAX - 1n);
    expect(decodeErrorOf(() => decodeChainInclusionProof(at(U64_MAX)))).toEqual([
      HashChainErrorCode.Oversized,
      0,
    ]);
    const oldAt = (oldSize: bigint) => encodeChainConsistencyProof({ oldSize, entries: [entry(), entry()] });
    expect(decodeChainConsistencyProof(oldAt(U64_MAX - 2n)).entries.length).toBe(2);
    expect(decodeErrorOf(() => decodeChainConsistencyProof(oldAt(U64_MAX - 1n)))).toEqual([
      HashChainErrorCode.Oversized,
      0,
    ]);
  });

  it("encoders refuse an entry vector longer than a u32 length can carry", () => {
    const tooMany = new Array(MAX_PROOF_ENTRIES + 1);
    expect(() => encodeChainConsistencyProof({ oldSize: 0n, entries: tooMany })).toThrow(RangeError);
    expect(() =>
      encodeChainInclusionProof({ index: 0n, chainHashBefore: h(0), entriesAfter: tooMany }),
    ).toThrow(RangeError);
    expect(MAX_PROOF_ENTRIES).toBe(53_687_091);
    expect(() => encodeChainConsistencyProof({ oldSize: 0n, entries: "x" as unknown as Entry[] })).toThrow(
      TypeError,
    );
    expect(() => encodeChainConsistencyProof({ oldSize: -1n, entries: [] })).toThrow(RangeError);
    expect(() =>
      encodeChainInclusionProof({ index: 0n, chainHashBefore: h(0).subarray(1), entriesAfter: [] }),
    ).toThrow(RangeError);
    expect(() => encodeChainConsistencyProof({ oldSize: 0n, entries: [null as unknown as Entry] })).toThrow(
      TypeError,
    );
  });
});

describe("inclusion verification: every refusal", () => {
  const c = chainOf(4);
  const head = c.checkpoint();

  it("the real proof verifies for every index, with and without lastTime", () => {
    for (let i = 0n; i < 4n; i++) {
      expect(verifyChainInclusion(head, c.entry(i), c.proveInclusion(i))).toBe(true);
      expect(verifyChainInclusion({ ...head, lastTime: undefined }, c.entry(i), c.proveInclusion(i))).toBe(
        true,
      );
    }
  });

  it("refuses an index other than the entry's, an index at or past the size, a wrong count", () => {
    const p = c.proveInclusion(1n);
    expect(verifyChainInclusion(head, c.entry(1n), { ...p, index: 2n })).toBe(false);
    expect(
      verifyChainInclusion(
        head,
        { ...c.entry(3n), positionInChain: 4n },
        { ...c.proveInclusion(3n), index: 4n },
      ),
    ).toBe(false);
    expect(verifyChainInclusion(head, c.entry(1n), { ...p, entriesAfter: p.entriesAfter.slice(1) })).toBe(
      false,
    );
    expect(
      verifyChainInclusion(head, c.entry(1n), { ...p, entriesAfter: [...p.entriesAfter, c.entry(3n)] }),
    ).toBe(false);
  });

  it("refuses a non-zero chain hash before entry 0, a tampered chain hash before any other", () => {
    const p0 = c.proveInclusion(0n);
    expect(verifyChainInclusion(head, c.entry(0n), { ...p0, chainHashBefore: h(1) })).toBe(false);
    const p2 = c.proveInclusion(2n);
    const t = p2.chainHashBefore.slice();
    t[31]! ^= 1;
    expect(verifyChainInclusion(head, c.entry(2n), { ...p2, chainHashBefore: t })).toBe(false);
  });

  it("refuses a later entry older than the proven one, and a head lastTime other than the last entry's", () => {
    const p = c.proveInclusion(1n);
    const older = p.entriesAfter.map((e) => ({ ...e, timeCreated: 0n }));
    expect(verifyChainInclusion(head, c.entry(1n), { ...p, entriesAfter: older })).toBe(false);
    expect(verifyChainInclusion({ ...head, lastTime: 102n }, c.entry(1n), p)).toBe(false);
    // With no entries after, the proven entry itself is the last one.
    const last = c.proveInclusion(3n);
    expect(verifyChainInclusion({ ...head, lastTime: 103n }, c.entry(3n), last)).toBe(true);
    expect(verifyChainInclusion({ ...head, lastTime: 104n }, c.entry(3n), last)).toBe(false);
  });

  it("argument checks", () => {
    const p = c.proveInclusion(0n);
    expect(() => verifyChainInclusion(head, c.entry(0n), { ...p, index: -1n })).toThrow(RangeError);
    expect(() =>
      verifyChainInclusion(head, c.entry(0n), { ...p, chainHashBefore: h(0).subarray(1) }),
    ).toThrow(RangeError);
    expect(() => verifyChainInclusion(head, null as unknown as Entry, p)).toThrow(TypeError);
    expect(verifyChainInclusion(head, c.entry(0n), p, nodeSha256)).toBe(true);
  });
});

describe("consistency verification: from the empty chain and argument checks", () => {
  const c = chainOf(3);

  it("from size 0 the old digest must be zero", () => {
    const p = c.proveConsistency(0n);
    expect(verifyChainConsistency(emptyCheckpoint(), c.checkpoint(), p)).toBe(true);
    expect(verifyChainConsistency({ size: 0n, digest: h(1) }, c.checkpoint(), p)).toBe(false);
    expect(verifyChainConsistency(emptyCheckpoint(), c.checkpoint(), p, nodeSha256)).toBe(true);
  });

  it("argument checks", () => {
    const p = c.proveConsistency(1n);
    expect(() => verifyChainConsistency(c.checkpoint(1n), c.checkpoint(), { ...p, oldSize: -1n })).toThrow(
      RangeError,
    );
    expect(() =>
      verifyChainConsistency(null as unknown as ReturnType<SiteChain["checkpoint"]>, c.checkpoint(), p),
    ).toThrow(TypeError);
    expect(() => verifyChainConsistency(c.checkpoint(1n), { size: 3n, digest: h(0).subarray(1) }, p)).toThrow(
      RangeError,
    );
  });
});

describe("checkpoints and the next node", () => {
  it("checkpointOf(head) is (position + 1, H(waict-ch || head), head time); not at the last position", () => {
    const c = chainOf(3);
    expect(checkpointOf(c.head!)).toEqual(c.checkpoint());
    expect(checkpointOf(c.head!, nodeSha256)).toEqual(c.checkpoint());
    const last = { entry: entry({ positionInChain: U64_MAX }), chainHash: h(0) };
    expect(() => checkpointOf(last)).toThrow(RangeError);
    expect(checkpointOf({ ...last, entry: entry({ positionInChain: U64_MAX - 1n }) }).size).toBe(U64_MAX);
  });

  it("nextChainNode follows SiteChain.append exactly, and checks the same rules", () => {
    const c = new SiteChain();
    let head: ChainNode | undefined;
    const inputs = [
      { timeCreated: 5n, resourceHash: h(1), assetHosts: ["https://a"] },
      { timeCreated: 5n, resourceHash: h(2) },
      { timeCreated: 9n, resourceHash: h(0), assetHostsHash: h(7) },
      { timeCreated: 9n, resourceHash: h(3) },
    ];
    for (const input of inputs) {
      head = nextChainNode(head, input);
      expect(head).toEqual(c.append(input));
    }
    expect(head!.entry.assetHostsHash).toEqual(h(7));
    expect(nextChainNode(undefined, inputs[0]!).chainHash).toEqual(h(0));
    expect(nextChainNode(head, inputs[3]!, nodeSha256)).toEqual(nextChainNode(head, inputs[3]!));
    expect(codeOf(() => nextChainNode(head, { timeCreated: 8n, resourceHash: h(1) }))).toBe(
      HashChainErrorCode.TimeWentBackwards,
    );
    expect(codeOf(() => nextChainNode(undefined, { timeCreated: 8n, resourceHash: h(1) }))).toBe(
      HashChainErrorCode.MissingAssetHosts,
    );
    expect(codeOf(() => nextChainNode(head, { ...inputs[0]!, assetHostsHash: h(1) }))).toBe(
      HashChainErrorCode.AmbiguousAssetHosts,
    );
    const full = { entry: entry({ positionInChain: U64_MAX }), chainHash: h(0) };
    expect(codeOf(() => nextChainNode(full, { timeCreated: 10n, resourceHash: h(1) }))).toBe(
      HashChainErrorCode.OutOfRange,
    );
    const almost = { entry: entry({ positionInChain: U64_MAX - 1n }), chainHash: h(0) };
    expect(nextChainNode(almost, { timeCreated: 10n, resourceHash: h(1) }).entry.positionInChain).toBe(
      U64_MAX,
    );
    expect(() => nextChainNode(head, null as unknown as (typeof inputs)[0])).toThrow(TypeError);
    expect(() =>
      nextChainNode(head, { timeCreated: 10n, resourceHash: h(1), assetHostsHash: new Uint8Array(31) }),
    ).toThrow(RangeError);
    expect(() => nextChainNode(head, { timeCreated: 10n, resourceHash: new Uint8Array(31) })).toThrow(
      RangeError,
    );
    expect(() => nextChainNode({ ...head!, chainHash: new Uint8Array(31) }, inputs[3]!)).toThrow(RangeError);
  });

  it("nextChainNode copies what it is given", () => {
    const input = { timeCreated: 5n, resourceHash: h(1), assetHostsHash: h(2) };
    const first = nextChainNode(undefined, input);
    input.resourceHash.fill(9);
    input.assetHostsHash.fill(9);
    expect(first.entry.resourceHash).toEqual(h(1));
    expect(first.entry.assetHostsHash).toEqual(h(2));
    const second = nextChainNode(first, { timeCreated: 6n, resourceHash: h(3) });
    first.entry.assetHostsHash.fill(0);
    expect(second.entry.assetHostsHash).toEqual(h(2));
  });
});

describe("SiteChain returns copies and uses the injected hash", () => {
  it("changing a returned digest, node or entry does not change the chain", () => {
    const c = chainOf(3);
    const digest = c.digest;
    const want = hex(digest);
    c.digest.fill(0);
    c.digestAt(3n).fill(0);
    c.digestAt(1n).fill(0);
    c.node(1n).chainHash.fill(0);
    c.entry(1n).resourceHash.fill(0);
    c.checkpoint().digest.fill(0);
    expect(hex(c.digest)).toBe(want);
    expect(verifyEntries(c.checkpoint(), c.entries())).toBe(true);
    expect(c.entry(1n).resourceHash).toEqual(h(2));
  });

  it("fromEntries and append hash with the injected function", () => {
    let calls = 0;
    const counting = (d: Uint8Array) => {
      calls++;
      return nodeSha256(d);
    };
    const c = SiteChain.fromEntries(chainOf(3).entries(), { hash: counting });
    expect(calls).toBe(3);
    expect(c.digest).toEqual(chainOf(3).digest);
    c.append({ timeCreated: 500n, resourceHash: h(5), assetHosts: ["b"] });
    expect(calls).toBe(5); // the hosts hash and the new digest
  });

  it("an empty chain has no head, size 0 and the zero digest", () => {
    const c = new SiteChain();
    expect(c.head).toBeUndefined();
    expect(c.size).toBe(0n);
    expect(c.digest).toEqual(h(0));
    expect(c.entries()).toEqual([]);
    expect([...c.nodes()]).toEqual([]);
    expect(() => c.append(null as unknown as { timeCreated: bigint; resourceHash: Uint8Array })).toThrow(
      TypeError,
    );
  });
});

describe("tile arithmetic", () => {
  it("tileIndexOf: 256 positions per tile, any u64", () => {
    expect(tileIndexOf(0n)).toBe(0n);
    expect(tileIndexOf(255n)).toBe(0n);
    expect(tileIndexOf(256n)).toBe(1n);
    expect(tileIndexOf(U64_MAX)).toBe(U64_MAX / 256n);
    expect(() => tileIndexOf(-1n)).toThrow(RangeError);
    expect(() => tileIndexOf(1n << 64n)).toThrow(RangeError);
    expect(() => tileIndexOf(1 as unknown as bigint)).toThrow(RangeError);
  });

  it("tilesForSize: up to 2^32 entries", () => {
    expect(tilesForSize(1n)).toEqual([{ index: 0n, width: 1 }]);
    expect(tilesForSize(255n)).toEqual([{ index: 0n, width: 255 }]);
    expect(tilesForSize(257n)).toEqual([
      { index: 0n, width: 256 },
      { index: 1n, width: 1 },
    ]);
    expect(() => tilesForSize((1n << 32n) + 1n)).toThrow(RangeError);
    expect(() => tilesForSize(-1n)).toThrow(RangeError);
    expect(() => tilesForSize(1 as unknown as bigint)).toThrow(RangeError);
  });
});

describe("error classes", () => {
  it("DecodeError is a HashChainError with a code, an offset, and names for logs", () => {
    const [code] = decodeErrorOf(() => decodeEntry(new Uint8Array(3)));
    expect(code).toBe(HashChainErrorCode.Truncated);
    try {
      decodeEntry(new Uint8Array(3));
    } catch (e) {
      expect(e).toBeInstanceOf(HashChainError);
      expect(e).toBeInstanceOf(Error);
      expect((e as DecodeError).name).toBe("DecodeError");
      expect((e as DecodeError).offset).toBe(3);
      expect((e as DecodeError).message).toMatch(/\(at byte 3\)$/);
    }
    const err = new HashChainError(HashChainErrorCode.OutOfRange, "m");
    expect([err.name, err.code, err.message]).toEqual(["HashChainError", "out-of-range", "m"]);
  });

  it("the codes are the documented stable strings", () => {
    expect(HashChainErrorCode).toEqual({
      Truncated: "truncated",
      Trailing: "trailing",
      Oversized: "oversized",
      NonCanonical: "non-canonical",
      InvalidValue: "invalid-value",
      PositionMismatch: "position-mismatch",
      TimeWentBackwards: "time-backwards",
      MissingAssetHosts: "missing-asset-hosts",
      AmbiguousAssetHosts: "ambiguous-asset-hosts",
      OutOfRange: "out-of-range",
      Malformed: "malformed",
    });
  });
});

describe("checks that a later step would not catch", () => {
  it("decoders refuse a string of the right length with a TypeError", () => {
    const text = "x".repeat(200) as unknown as Uint8Array;
    expect(() => decodeChainConsistencyProof(text)).toThrow(TypeError);
    expect(() => decodeChainInclusionProof(text)).toThrow(TypeError);
    expect(() => decodeAssetHosts(text)).toThrow(TypeError);
    expect(() => decodeEntry("x".repeat(80) as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("a short consistency proof is truncated even when its length bytes are partly there", () => {
    const short = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    expect(decodeErrorOf(() => decodeChainConsistencyProof(short))).toEqual([
      HashChainErrorCode.Truncated,
      11,
    ]);
    const shortInc = new Uint8Array(43);
    shortInc[42] = 1;
    expect(decodeErrorOf(() => decodeChainInclusionProof(shortInc))).toEqual([
      HashChainErrorCode.Truncated,
      43,
    ]);
  });

  it("a node's entry and chain hash are checked before hashing or encoding", () => {
    const bad = { entry: entry({ resourceHash: new Uint8Array(31) }), chainHash: h(0) };
    expect(() => encodeChainNode(bad)).toThrow(RangeError);
    expect(() => nextChainHash(bad)).toThrow(RangeError);
    expect(() => nextChainHash({ entry: entry(), chainHash: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => checkpointOf({ entry: entry(), chainHash: new Uint8Array(33) })).toThrow(RangeError);
  });

  it("checkpoints are checked before replaying", () => {
    const c = chainOf(2);
    const p = c.proveConsistency(1n);
    expect(() => verifyChainConsistency({ size: 1n, digest: new Uint8Array(31) }, c.checkpoint(), p)).toThrow(
      RangeError,
    );
    expect(() =>
      verifyChainConsistency(c.checkpoint(1n), { size: 2n, digest: new Uint8Array(31) }, p),
    ).toThrow(RangeError);
  });

  it("replay enforces positions from 0 even when the digest was computed over other positions", () => {
    const e5 = entry({ positionInChain: 5n });
    const e6 = entry({ positionInChain: 6n, timeCreated: 11n });
    const d1 = nextChainHash({ entry: e5, chainHash: h(0) });
    const d2 = nextChainHash({ entry: e6, chainHash: d1 });
    expect(verifyEntries({ size: 2n, digest: d2 }, [e5, e6])).toBe(false);
    const e0 = entry({ positionInChain: 0n });
    const e1 = entry({ positionInChain: 1n, timeCreated: 11n });
    const g1 = nextChainHash({ entry: e0, chainHash: h(0) });
    expect(verifyEntries({ size: 2n, digest: nextChainHash({ entry: e1, chainHash: g1 }) }, [e0, e1])).toBe(
      true,
    );
  });

  it("entries breaking a chain rule make verification false, never an exception", () => {
    const c = chainOf(3);
    const es = c.entries();
    es[2] = { ...es[2]!, timeCreated: es[1]!.timeCreated - 1n };
    expect(verifyEntries(c.checkpoint(), es)).toBe(false);
    const gap = c.entries();
    gap[1] = { ...gap[1]!, positionInChain: 5n };
    expect(verifyEntries(c.checkpoint(), gap)).toBe(false);
  });
});

describe("more checks no later step catches", () => {
  it("the first node's chain hash must be zero, even for a digest computed over a non-zero start", () => {
    const e0 = entry();
    const forged = { size: 1n, digest: nextChainHash({ entry: e0, chainHash: h(1) }) };
    expect(verifyChainConsistency({ size: 0n, digest: h(1) }, forged, { oldSize: 0n, entries: [e0] })).toBe(
      false,
    );
    expect(verifyChainInclusion(forged, e0, { index: 0n, chainHashBefore: h(1), entriesAfter: [] })).toBe(
      false,
    );
  });

  it("tile and proof encoders check each entry's shape", () => {
    const bad = entry({ resourceHash: new Uint8Array(31) });
    expect(() => encodeEntriesTile([bad])).toThrow(RangeError);
    expect(() => encodeEntriesTile([entry(), { ...bad, positionInChain: 1n }])).toThrow(RangeError);
    expect(() => encodeChainConsistencyProof({ oldSize: 0n, entries: [bad] })).toThrow(RangeError);
    expect(() => decodeEntriesTile("x".repeat(80) as unknown as Uint8Array, 0n, 1)).toThrow(TypeError);
  });

  it("tilesForSize handles sizes past 2^16", () => {
    expect(tilesForSize(70_000n).length).toBe(274);
  });
});
