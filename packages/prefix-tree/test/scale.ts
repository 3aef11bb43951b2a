/**
 * Sizes of the long scenario tests. Mutation testing of the tree (vitest.mutate.tree.config.ts) runs
 * every tree test for each surviving mutant; its setup file (`scale-for-mutation.setup.ts`) shrinks
 * these scenarios so the run fits in about an hour. The test command runs them at full size.
 */
export function testScale(): number {
  return (globalThis as { sealroomTestScale?: number }).sealroomTestScale ?? 1;
}

/** `n` at the current scale (at least `min`). */
export function scaled(n: number, min = 1): number {
  return Math.max(min, Math.round(n * testScale()));
}
