/** Configuration parsing: the service runs with no witness keys; bad values fail loudly. */
import { describe, expect, it } from "vitest";
import { configOf } from "../src/config.ts";
import type { Env } from "../src/env.ts";
import { WITNESS_VKEYS } from "./helpers.ts";

const base = { TREE_DOMAIN: "t.example" } as Env;

describe("config", () => {
  it("accepts no witness keys (quorum 1, never satisfiable) and local defaults", () => {
    const c = configOf({ ...base });
    expect(c.witnessKeys).toEqual([]);
    expect(c.quorum).toBe(1);
    expect(c.epochMs).toBe(1000);
    expect(c.appendTimeoutMs).toBe(30_000);
    expect(c.devOrigins.size).toBe(0);
  });

  it("parses witness keys (comments and blank lines ignored); the default quorum is all of them", () => {
    const c = configOf({ ...base, WITNESS_KEYS: `# local witnesses\n${WITNESS_VKEYS.join("\n")}\n\n` });
    expect(c.witnessKeys.map((k) => k.name)).toEqual(["witness-a.test", "witness-b.test"]);
    expect(c.quorum).toBe(2);
  });

  it("refuses non-loopback dev origins, non-cosigner keys and bad numbers", () => {
    expect(() => configOf({ ...base, DEV_ORIGINS: '{"a.example":"http://10.0.0.1:80"}' })).toThrow(
      /127\.0\.0\.1/,
    );
    expect(() => configOf({ ...base, DEV_ORIGINS: '{"a.example":"https://a.example"}' })).toThrow();
    expect(() => configOf({ ...base, DEV_ORIGINS: '{"bank.example":"http://127.0.0.1:80"}' })).toThrow(
      /localhost/,
    );
    expect(() => configOf({ ...base, WITNESS_KEYS: "a+00000000+AQ==" })).toThrow();
    expect(() => configOf({ ...base, EPOCH_MS: "0" })).toThrow(/EPOCH_MS/);
    expect(() => configOf({} as Env)).toThrow(/TREE_DOMAIN/);
    expect(
      configOf({ ...base, DEV_ORIGINS: '{"a.localhost":"http://127.0.0.1:8787"}' }).devOrigins.get(
        "a.localhost",
      ),
    ).toBe("http://127.0.0.1:8787");
  });
});
