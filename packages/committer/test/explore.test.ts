/**
 * Exhaustive bounded exploration with MLS abstracted (issue #5 "Checking it"; see support/explore.ts for
 * the transition system). CI sizes here; `pnpm check` runs deeper bounds. Each run reports the number of
 * distinct states explored.
 */
import { describe, expect, it } from "vitest";
import { type ExploreConfig, explore } from "./support/explore.ts";

export const CI_CONFIGS: (ExploreConfig & { name: string })[] = [
  {
    name: "3 users, empty room",
    users: ["a", "b", "c"],
    settled: 0,
    depth: 12,
    maxCrashes: 1,
    maxReconnects: 1,
  },
  {
    name: "4 users, 2 settled",
    users: ["a", "b", "c", "d"],
    settled: 2,
    depth: 9,
    maxCrashes: 1,
    maxReconnects: 1,
  },
  {
    name: "4 users, 3 settled",
    users: ["a", "b", "c", "d"],
    settled: 3,
    depth: 9,
    maxCrashes: 2,
    maxReconnects: 1,
  },
];

describe("exhaustive exploration (symbolic MLS)", () => {
  for (const cfg of CI_CONFIGS) {
    it(`${cfg.name}: depth ${cfg.depth}, <= ${cfg.maxCrashes} crash(es), <= ${cfg.maxReconnects} reconnect(s)`, async () => {
      const r = await explore(cfg);
      console.log(`explore[${cfg.name}, depth ${cfg.depth}]`, r);
      expect(r.states).toBeGreaterThan(1000);
      expect(r.frontierDrains).toBeGreaterThan(0);
    }, 180_000);
  }

  it("catches planted bugs (a check of the checker)", async () => {
    const { Committer } = await import("../src/committer.ts");
    const proto = Committer.prototype as unknown as Record<string, unknown>;
    const cfg = { users: ["a", "b", "c"], settled: 1, depth: 8, maxCrashes: 1, maxReconnects: 0 };
    // 1. Adopting one's own commit before the sequencer echoes it: the group never settles.
    const original = proto.maybeCommit as (this: unknown, out: unknown[]) => Promise<void>;
    proto.maybeCommit = async function (this: { s: { pending: { group: unknown } | null } }, out: unknown[]) {
      await original.call(this, out);
      if (this.s.pending) this.s = { ...this.s, group: this.s.pending.group, pending: null } as typeof this.s;
    };
    try {
      await expect(explore(cfg)).rejects.toThrow(/no quiescence|disagree|reported|not in the group/);
    } finally {
      proto.maybeCommit = original;
    }
    // 2. Every in-sync member believing it is the committer.
    const desc = Object.getOwnPropertyDescriptor(Committer.prototype, "isCommitter")!;
    Object.defineProperty(Committer.prototype, "isCommitter", {
      configurable: true,
      get(this: { inSync: boolean }) {
        return this.inSync;
      },
    });
    try {
      await expect(explore(cfg)).rejects.toThrow(/both committer/);
    } finally {
      Object.defineProperty(Committer.prototype, "isCommitter", desc);
    }
  }, 120_000);
});
