import { describe, expect, it } from "vitest";
import { midExtensionId } from "../src/extension-ids.ts";

const sdp = [
  "v=0",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
  "",
].join("\r\n");

describe("midExtensionId", () => {
  it("reuses the client's sdes:mid id for the same kind, else another kind's", () => {
    expect(midExtensionId(sdp, "video")).toBe(9);
    expect(midExtensionId(sdp, "audio")).toBe(4);
    const videoOnly = sdp.slice(0, sdp.indexOf("m=audio"));
    expect(midExtensionId(videoOnly, "audio")).toBe(9);
  });

  it("takes the lowest id the client leaves free when it does not use sdes:mid", () => {
    const noMid = "v=0\r\nm=video 9 X 96\r\na=extmap:1 a\r\na=extmap:2/sendonly b\r\na=extmap:4 c\r\n";
    expect(midExtensionId(noMid, "video")).toBe(3);
    expect(midExtensionId(undefined, "video")).toBeUndefined();
  });
});
