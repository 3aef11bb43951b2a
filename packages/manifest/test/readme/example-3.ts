// README.md "ManifestServer", verbatim, its free names declared before it (test/readme-examples.test.ts).

import { ManifestServer } from "@sealroom/manifest";

declare const domain: string;
declare function fetchLeaf(domain: string): Promise<Uint8Array | undefined>;
declare const currentManifestLine: Uint8Array;

const server = new ManifestServer({ fetchHead: () => fetchLeaf(domain), epochMs: 1000 });
const r = await server.respond(currentManifestLine); // {body, manifest, state, head} | undefined

export { r };
