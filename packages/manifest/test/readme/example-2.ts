// README.md "Usage", verbatim, its free names declared after it (test/readme-examples.test.ts).

import { buildIntegrityPolicy, serializeManifest } from "@sealroom/manifest";
import { buildManifest } from "@sealroom/manifest/node";

const { manifest } = await buildManifest("dist", { sri: true }); // rewrites dist/*.html first
const line = serializeManifest(manifest); // serve and log these exact bytes
const header = buildIntegrityPolicy({ maxAge: 3600, mode: "enforce", manifest: "/.well-known/waict/m/abc" });

export { header, line };
