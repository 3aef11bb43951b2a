/** How the two MLS suites a room can use are named on screen (ids as in the invite link). */
export const SUITE_INFO: Record<string, { short: string; detail: string; pq: boolean }> = {
  "1": { short: "Standard", detail: "MLS suite 1: X25519, AES-128-GCM, Ed25519", pq: false },
  "83": {
    short: "Post-quantum",
    detail: "MLS suite 83: X-Wing (X25519 + ML-KEM-768), AES-256-GCM, Ed25519",
    pq: true,
  },
};

export function suiteLabel(suite: number): string {
  return suite === 83 ? "Post-quantum (X-Wing)" : "Standard (suite 1)";
}
