/**
 * Setup file of vitest.mutate.tree.config.ts: the long page-store scenarios (`scaled` in scale.ts)
 * at a fifth of their size while mutating the tree. Smaller scenarios can only let more mutants
 * survive, never fewer, so the score stays honest.
 */
(globalThis as { sealroomTestScale?: number }).sealroomTestScale = 0.2;
