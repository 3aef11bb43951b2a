/** The CLI: prints one JSON line with the bound port, serves the API, exits on SIGTERM. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("cli", () => {
  it("listens on a free port, prints it, answers the API and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "../src/cli.ts"), "--port", "0"], {
      env: { ...process.env, LOCAL_SFU_APP_ID: "cli-app", LOCAL_SFU_APP_SECRET: "cli-secret" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      const info = JSON.parse(chunk.toString().split("\n")[0] as string) as {
        url: string;
        port: number;
        appId: string;
      };
      expect(info.port).toBeGreaterThan(0);
      expect(info.url).toBe(`http://127.0.0.1:${info.port}/v1`);
      expect(info.appId).toBe("cli-app");
      const res = await fetch(`${info.url}/apps/cli-app/sessions/new`, {
        method: "POST",
        headers: { authorization: "Bearer cli-secret" },
      });
      expect(res.status).toBe(200);
      child.kill("SIGTERM");
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("rejects a malformed port", async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "../src/cli.ts"), "--port", "eighty"], {
      stdio: "ignore",
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
  });
});
