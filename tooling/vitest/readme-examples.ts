/**
 * A package README's code is real code: every ```ts block of README.md appears verbatim in
 * test/readme/example-<n>.ts (n = 1, 2, … in README order), which the package's `tsc -p .` type-checks
 * with the free names of the example declared beside it. An edited example that no longer compiles
 * fails typecheck; an example edited in only one place fails this test.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** Registers the checks; `testDir` is the package's `test/` folder URL (`new URL(".", import.meta.url)`). */
export function readmeExamples(testDir: URL, minimum = 1): void {
  const readme = readFileSync(new URL("../README.md", testDir), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  describe("README examples", () => {
    it(`has at least ${minimum} example(s)`, () => {
      expect(blocks.length).toBeGreaterThanOrEqual(minimum);
    });
    blocks.forEach((block, i) => {
      it(`example ${i + 1} is type-checked verbatim in test/readme/example-${i + 1}.ts`, () => {
        const file = readFileSync(new URL(`./readme/example-${i + 1}.ts`, testDir), "utf8");
        expect(file).toContain(block);
      });
    });
  });
}
