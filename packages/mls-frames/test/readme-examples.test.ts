/**
 * The README's code is real code: every ```ts block of README.md appears verbatim in
 * test/readme/example-<n>.ts (n = 1, 2, … in README order), which `tsc -p .` type-checks with the free
 * names of the example declared above it. An edited example that no longer compiles fails typecheck; an
 * example edited in only one place fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README examples", () => {
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });
  blocks.forEach((block, i) => {
    it(`example ${i + 1} is type-checked verbatim in test/readme/example-${i + 1}.ts`, () => {
      const file = readFileSync(new URL(`./readme/example-${i + 1}.ts`, import.meta.url), "utf8");
      expect(file).toContain(block);
    });
  });
});
