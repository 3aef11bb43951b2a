/**
 * The release path against a real npm registry (verdaccio on 127.0.0.1, temp storage), inside a
 * loopback-only network namespace so nothing can reach the public registry: `pnpm changeset
 * version` and `pnpm release` in a temporary copy of the workspace, then a fresh project outside
 * the workspace installs @sealroom/prefix-tree and @sealroom/manifest from it with npm and runs
 * their README examples. The flow is src/release-registry.ts; this test runs it and checks what it
 * reports.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { members, ROOT, run } from "../src/workspace.ts";

describe("release through a local npm registry", () => {
  it("versions all nine members together, publishes the five packages, installs and runs the README examples", async () => {
    const res = await run(
      "bash",
      [join(ROOT, "tooling/scripts/loopback.sh"), "node", "src/release-registry.ts"],
      {
        cwd: join(ROOT, "tooling/e2e"),
        timeoutMs: 590_000,
      },
    );
    expect(res.code, res.stderr.slice(-4000)).toBe(0);
    const line = res.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    expect(line, res.stdout.slice(-2000)).toBeDefined();
    const r = JSON.parse((line as string).slice("RESULT ".length));

    // Only the local registry was configured, and the public one was unreachable throughout.
    expect(r.registry).toBe("http://127.0.0.1:4873/");
    expect(r.sealed).toBe(true);

    // One version for all nine, bumped from the workspace's.
    const workspaceVersions = [...members("packages"), ...members("apps")].map((m) => m.manifest.version);
    expect(r.members).toHaveLength(9);
    expect(new Set(r.members.map((m: { version: string }) => m.version))).toEqual(new Set([r.version]));
    expect(r.before).toEqual(workspaceVersions.map(() => workspaceVersions[0]));
    expect(r.version).not.toBe(workspaceVersions[0]);

    // The five packages are on the registry at that version; the private apps are not.
    for (const m of r.members as { name: string; private: boolean }[])
      expect({ name: m.name, versions: r.published[m.name] }).toEqual({
        name: m.name,
        versions: m.private ? [] : [r.version],
      });
    expect(r.deps).toEqual(expect.arrayContaining([expect.stringMatching(/^@noble\/hashes@/)]));

    // The fresh project got exactly those versions, and the README examples ran.
    expect(r.installed["@sealroom/prefix-tree"]).toBe(r.version);
    expect(r.installed["@sealroom/manifest"]).toBe(r.version);
    expect(r.installed["@sealroom/hash-chain"]).toBe(r.version);
    expect(r.examples.prefixTree.included).toBe(true);
    expect(r.examples.prefixTree.batch).toBe(r.examples.prefixTree.root);
    expect(r.examples.manifestPage).toEqual({ ok: true, status: "verified", integrity: true });
    expect(r.examples.manifestBuild.keys).toEqual(["/", "/app.js", "/index.html"]);
    expect(r.examples.manifestBuild.header).toMatch(/^max-age=3600, mode=enforce, manifest=/);
    console.log(`release through verdaccio: ${JSON.stringify(r.timings)} ms since start`);
  }, 600_000);
});
