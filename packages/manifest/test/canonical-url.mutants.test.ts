/**
 * Canonical manifest keys and request keys at their edges (found by mutation testing, `pnpm
 * mutate`): fragments in each form, the origin reduced to scheme, host and port, unparseable input,
 * and relative keys that are not path-absolute.
 */
import { describe, expect, it } from "vitest";
import { canonicalKey, PLACEHOLDER_ORIGIN, requestKey } from "../src/canonical-url.ts";

describe("requestKey", () => {
  it("drops the fragment, empty or not, and keeps the query", () => {
    expect(requestKey("https://a.example/x?q=1#frag")).toBe("https://a.example/x?q=1");
    expect(requestKey("https://a.example/x#")).toBe("https://a.example/x");
    expect(requestKey(new URL("https://A.example/x#y"))).toBe("https://a.example/x");
    expect(requestKey("https://a.example")).toBe("https://a.example/");
  });

  it("is undefined for what does not parse", () => {
    for (const bad of ["", "not a url", "/relative", "https://"])
      expect(requestKey(bad), bad).toBeUndefined();
  });
});

describe("canonicalKey", () => {
  it("resolves path-absolute keys against the origin only (scheme, host, port)", () => {
    expect(canonicalKey("/a.js", "https://s.example/sub/dir/")).toBe("https://s.example/a.js");
    expect(canonicalKey("/a.js", "https://s.example:8443")).toBe("https://s.example:8443/a.js");
    expect(canonicalKey("/", "https://s.example")).toBe("https://s.example/");
    expect(canonicalKey("/a.js")).toBe(`${PLACEHOLDER_ORIGIN}/a.js`);
  });

  it("refuses fragments, relative keys that are not path-absolute, and a bad origin", () => {
    for (const bad of ["/a#x", "/a#", "https://c.example/a#x", "https://c.example/a#", "a.js", "?q", "#x"])
      expect(canonicalKey(bad, "https://s.example"), bad).toBeUndefined();
    expect(canonicalKey("/a.js", "not an origin")).toBeUndefined();
    expect(canonicalKey("https://c.example/a.js", "not an origin")).toBeUndefined();
    // Non-canonical spellings of an absolute key.
    for (const bad of [
      "HTTPS://c.example/a",
      "https://C.example/a",
      "https://c.example/./a",
      "https://c.example/a/../b",
    ])
      expect(canonicalKey(bad, "https://s.example"), bad).toBeUndefined();
    expect(canonicalKey("/./a", "https://s.example")).toBeUndefined();
    expect(canonicalKey("https://c.example/a?q=1", "https://s.example")).toBe("https://c.example/a?q=1");
  });
});
