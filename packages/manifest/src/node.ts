/**
 * Node-only entry of @sealroom/manifest: `buildManifest(dir)` walks a build output on disk.
 * Kept apart so Workers and browsers importing "." never reach `node:fs`/`node:crypto`. Re-exports only.
 */
export { type BuildManifestDirOptions, buildManifest, listFiles } from "./build-manifest-node.ts";
export { nodeEd25519 } from "./ed25519-node.ts";
