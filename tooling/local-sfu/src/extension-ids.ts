/**
 * RTP header extension ids of the SFU's own m-lines (RFC 8285), chosen to agree with the client's.
 */
export const SDES_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";

/**
 * The extension id the SFU's new m-lines give `sdes:mid`. Inside one BUNDLE an id names one URI
 * (RFC 8843 §9.2), and a browser must never see the id of an extension it already sends change:
 * Chromium aborts the tab (`rtp_rtcp_impl2.cc` "Check failed: registered") when a renegotiation
 * moves `sdes:mid` of a live sender to another id. So reuse the id the client already uses for it
 * (same media kind first), else take one the client's description leaves free; undefined when the
 * session has no remote description yet (werift's default numbering is then the first word).
 */
export function midExtensionId(remoteSdp: string | undefined, kind: "audio" | "video"): number | undefined {
  if (!remoteSdp) return undefined;
  const used = new Map<number, string>();
  const byKind = new Map<string, number>();
  for (const section of remoteSdp.split(/\r?\nm=/).slice(1)) {
    const media = section.split(" ")[0] ?? "";
    for (const m of section.matchAll(/\r?\na=extmap:(\d+)(?:\/\w+)? (\S+)/g)) {
      const id = Number(m[1]);
      used.set(id, m[2] as string);
      if (m[2] === SDES_MID && !byKind.has(media)) byKind.set(media, id);
    }
  }
  const same = byKind.get(kind) ?? [...byKind.values()][0];
  if (same !== undefined) return same;
  for (let id = 1; id <= 14; id++) if (!used.has(id)) return id;
  return undefined;
}
