/**
 * Which AES-GCM path a runtime gets (aead.ts `IS_NODE`, `SYNC_GCM_MAX_BYTES`): Node.js seals and opens
 * small frames with @noble/ciphers, browsers and workers use WebCrypto only. The unit tests run in Node,
 * so mutation testing found nothing noticed a detection that also said "Node" in a browser page or
 * worker; here aead.ts is loaded again under stubbed globals.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

async function syncMaxBytes(): Promise<number> {
  vi.resetModules();
  return (await import("../src/aead.ts")).SYNC_GCM_MAX_BYTES;
}

describe("AES-GCM path by runtime", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("Node.js: frames up to 512 bytes on the synchronous path", async () => {
    expect(await syncMaxBytes()).toBe(512);
  });

  it("a browser page (document) or a worker (WorkerGlobalScope): WebCrypto only", async () => {
    vi.stubGlobal("document", {});
    expect(await syncMaxBytes()).toBe(0);
    vi.unstubAllGlobals();
    vi.stubGlobal("WorkerGlobalScope", function WorkerGlobalScope() {});
    expect(await syncMaxBytes()).toBe(0);
  });

  it("a runtime whose process has no Node version, or no process: WebCrypto only", async () => {
    vi.stubGlobal("process", { ...process, versions: { ...process.versions, node: undefined } });
    expect(await syncMaxBytes()).toBe(0);
    vi.unstubAllGlobals();
    vi.stubGlobal("process", { ...process, versions: undefined });
    expect(await syncMaxBytes()).toBe(0);
    vi.unstubAllGlobals();
    vi.stubGlobal("process", undefined);
    expect(await syncMaxBytes()).toBe(0);
  });
});
