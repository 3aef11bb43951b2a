/**
 * Node-only entry of @sealroom/manifest: `buildManifest(dir)` walks a build output on disk.
 * Kept apart so Workers and browsers importing "." never reach `node:fs`. Re-exports only.
 */
export { type BuildManifestDirOptions, buildManifest, listFiles } from "./build-manifest-node.ts";
