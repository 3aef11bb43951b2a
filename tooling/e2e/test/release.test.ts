/**
 * Release paths: changesets sees the workspace, every package packs into an npm tarball whose
 * `publishConfig.exports` files are really inside it, the tarballs install into a project outside
 * the workspace and import with plain Node, and every app builds a deployable bundle offline.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { members, ROOT, run } from "../src/workspace.ts";

const packages = members("packages").filter((p) => existsSync(join(p.dir, "src/index.ts")));
const apps = members("apps");
const scratch = mkdtempSync(join(tmpdir(), "sealroom-release-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type ExportTarget = string | { types?: string; import?: string; default?: string };

/** Files a consumer of the published package would resolve through `publishConfig`. */
function publishedFiles(manifest: Record<string, unknown>): string[] {
  const publish = (manifest.publishConfig ?? {}) as {
    exports?: Record<string, ExportTarget>;
    bin?: Record<string, string>;
  };
  const files: string[] = [];
  for (const target of Object.values(publish.exports ?? {})) {
    if (typeof target === "string") files.push(target);
    else files.push(...[target.types, target.import, target.default].filter((f): f is string => !!f));
  }
  files.push(...Object.values(publish.bin ?? {}));
  return files.map((f) => `package/${f.replace(/^\.\//, "")}`);
}

describe("changesets", () => {
  it("puts all nine members in one fixed group and versions the private apps", () => {
    const config = JSON.parse(readFileSync(join(ROOT, ".changeset/config.json"), "utf8"));
    const names = [...members("packages"), ...apps].map((m) => m.manifest.name).sort();
    expect(names).toHaveLength(9);
    expect([...config.fixed[0]].sort()).toEqual(names);
    expect(config.privatePackages).toMatchObject({ version: true });
  });

  it("`pnpm changeset status` plans one version for all nine from a changeset on one package", async () => {
    const name = `e2e-probe-${process.pid}`;
    const changeset = join(ROOT, ".changeset", `${name}.md`);
    const plan = join(scratch, "plan.json");
    writeFileSync(
      changeset,
      '---\n"@sealroom/hash-chain": minor\n---\n\nRelease-plan probe from the e2e test.\n',
    );
    try {
      const res = await run("pnpm", ["changeset", "status", `--output=${plan}`], {
        cwd: ROOT,
        timeoutMs: 60_000,
      });
      expect(res.code, res.stderr + res.stdout).toBe(0);
    } finally {
      rmSync(changeset, { force: true });
    }
    const releases = (
      JSON.parse(readFileSync(plan, "utf8")).releases as { name: string; type: string; newVersion: string }[]
    ).filter((r) => r.type !== "none");
    const names = [...members("packages"), ...apps].map((m) => m.manifest.name).sort();
    expect(releases.map((r) => r.name).sort()).toEqual(names);
    expect(new Set(releases.map((r) => r.newVersion)).size).toBe(1);
  });
});

describe("npm tarballs", () => {
  const tarballs = new Map<string, string>();

  it.each(packages.map((p) => [p.manifest.name, p] as const))(
    "%s packs with its published entry points",
    async (_name, pkg) => {
      const res = await run("pnpm", ["pack", "--pack-destination", scratch], {
        cwd: pkg.dir,
        timeoutMs: 60_000,
      });
      expect(res.code, res.stderr).toBe(0);
      const file = join(
        scratch,
        `${pkg.manifest.name.replace("@", "").replace("/", "-")}-${pkg.manifest.version}.tgz`,
      );
      expect(existsSync(file), `expected ${basename(file)}`).toBe(true);
      const listing = await run("tar", ["tzf", file], { cwd: scratch });
      const entries = listing.stdout.split("\n").filter(Boolean);
      const wanted = publishedFiles(pkg.manifest);
      expect(wanted.some((f) => f.endsWith(".js"))).toBe(true);
      expect(wanted.some((f) => f.endsWith(".d.ts"))).toBe(true);
      for (const f of wanted) expect(entries, `${f} missing from the tarball`).toContain(f);
      expect(entries.some((e) => e.startsWith("package/src/"))).toBe(false);
      const packed = JSON.parse(
        (await run("tar", ["xzOf", file, "package/package.json"], { cwd: scratch })).stdout,
      );
      expect(JSON.stringify(packed)).not.toContain("workspace:");
      expect(JSON.stringify(packed)).not.toContain("catalog:");
      tarballs.set(pkg.manifest.name, file);
    },
  );

  it("installs outside the workspace and imports with plain Node", async () => {
    expect(tarballs.size).toBe(packages.length);
    const project = join(scratch, "consumer");
    const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
    await run("mkdir", ["-p", project], { cwd: scratch });
    // Internal dependencies resolve to the local tarballs: they are not on the registry yet.
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: deps,
        overrides: deps,
      }),
    );
    const install = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      {
        cwd: project,
        timeoutMs: 150_000,
      },
    );
    expect(install.code, install.stderr).toBe(0);
    // Every published entry point (".", "./browser", "./worker", ...) imports with plain Node.
    const specifiers = packages.flatMap((p) =>
      Object.keys((p.manifest.publishConfig as { exports: Record<string, unknown> }).exports).map((sub) =>
        sub === "." ? p.manifest.name : `${p.manifest.name}/${sub.slice(2)}`,
      ),
    );
    expect(specifiers.length).toBeGreaterThan(packages.length);
    for (const name of specifiers) {
      const script = `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m)));`;
      const res = await run("node", ["--input-type=module", "-e", script], {
        cwd: project,
        timeoutMs: 60_000,
      });
      expect(res.code, res.stderr).toBe(0);
      if (!name.endsWith("/worker")) {
        expect(JSON.parse(res.stdout).length, `${name} exports nothing`).toBeGreaterThan(0);
      }
    }
    // The CLI a package publishes runs from the consumer's node_modules/.bin.
    const cli = await run(join(project, "node_modules/.bin/sealroom"), ["--help"], {
      cwd: project,
      timeoutMs: 60_000,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout + cli.stderr).toMatch(/manifest build/);
  }, 240_000);
});

describe("deployable apps", () => {
  it.each(
    apps.filter((a) => existsSync(join(a.dir, "wrangler.jsonc"))).map((a) => [a.manifest.name, a] as const),
  )("%s has a bundle from `wrangler deploy --dry-run --outdir dist`", (_name, app) => {
    const bundle = join(app.dir, "dist/index.js");
    expect(existsSync(bundle)).toBe(true);
    expect(readFileSync(bundle, "utf8")).toMatch(/export\s*\{[^}]*default/);
  });
});
