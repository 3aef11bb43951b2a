/**
 * A vitest sequencer for mutation-testing configs (`vitest.mutate.config.ts`): test files matching
 * `first` run before the rest, in that order, then the others by path. Stryker stops at a mutant's first
 * failing test, so fast unit tests that catch most mutants should run before long scenario or fuzz tests
 * (a broken encoder then fails in milliseconds instead of hanging a scenario until Stryker's timeout).
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

export function testsFirst(first: RegExp[]): typeof BaseSequencer {
  const rank = (f: TestSpecification) => {
    const i = first.findIndex((re) => re.test(f.moduleId));
    return i === -1 ? first.length : i;
  };
  return class TestsFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
    }
  };
}
