/**
 * The werift peer configuration of every SFU session: loopback-only ICE and the two codecs the
 * Sealroom client uses.
 *
 * - ICE: werift gathers host candidates from `os.networkInterfaces()` minus internal (loopback)
 *   interfaces. Turning both address families off and adding 127.0.0.1 as an "additional host
 *   address", with the UDP socket bound to 127.0.0.1, leaves exactly one candidate, 127.0.0.1, on
 *   any machine: the SFU is unreachable from anything but this host. No STUN/TURN servers, no TCP.
 * - Codecs: VP8 (RFC 7741) and Opus (RFC 7587) only, so a browser pushing through the SFU picks
 *   VP8 and every puller is offered exactly what pushers send: forwarding never transcodes and only
 *   rewrites SSRC, payload type, sequence numbers (werift's sender does this per negotiated m-line).
 *   VP8 carries `nack`, `nack pli` and `ccm fir` feedback (RFC 4585, RFC 5104) so keyframe requests
 *   reach the SFU and the SFU can send them on. No RTX: lost packets are repaired by NACK from each
 *   sender's own history (werift answers NACKs itself).
 * - Header extensions: `sdes:mid` only (RFC 8843 §15), for BUNDLE demultiplexing.
 */
import {
  type PeerConfig,
  RTCRtpCodecParameters,
  RTCRtpHeaderExtensionParameters,
  useFIR,
  useNACK,
  usePLI,
} from "werift";

export const LOOPBACK = "127.0.0.1";

export function sfuPeerConfig(): Partial<PeerConfig> {
  const mid = () => new RTCRtpHeaderExtensionParameters({ uri: "urn:ietf:params:rtp-hdrext:sdes:mid" });
  return {
    bundlePolicy: "max-bundle",
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceUseTcp: false,
    iceAdditionalHostAddresses: [LOOPBACK],
    iceInterfaceAddresses: { udp4: LOOPBACK },
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 })],
      video: [
        new RTCRtpCodecParameters({
          mimeType: "video/VP8",
          clockRate: 90000,
          rtcpFeedback: [useNACK(), usePLI(), useFIR()],
        }),
      ],
    },
    headerExtensions: { audio: [mid()], video: [mid()] },
  };
}
