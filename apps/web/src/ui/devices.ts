/**
 * Cameras, microphones and speakers: opening them with the chosen device, listing them for the selects
 * of the lobby and the settings dialog, and turning a getUserMedia failure into help a person can act on.
 */
import { h } from "./dom.ts";

export interface DeviceChoice {
  audio?: string;
  video?: string;
  speaker?: string;
}

/** Video size: `?video=WxH@fps` (tests use small frames to fit many participants on 2 cores). */
export function videoConstraints(search = location.search): MediaTrackConstraints {
  const v = /^(\d+)x(\d+)@(\d+)$/.exec(new URLSearchParams(search).get("video") ?? "");
  return v
    ? { width: Number(v[1]), height: Number(v[2]), frameRate: Number(v[3]) }
    : { width: 640, height: 360, frameRate: 24 };
}

export function openMedia(choice: DeviceChoice, kinds: { audio: boolean; video: boolean }) {
  const exact = (id?: string) => (id ? { deviceId: { exact: id } } : {});
  return navigator.mediaDevices.getUserMedia({
    audio: kinds.audio ? { ...exact(choice.audio) } : false,
    video: kinds.video ? { ...videoConstraints(), ...exact(choice.video) } : false,
  });
}

export async function listDevices(): Promise<Record<MediaDeviceKind, MediaDeviceInfo[]>> {
  const all = await navigator.mediaDevices.enumerateDevices();
  const out: Record<MediaDeviceKind, MediaDeviceInfo[]> = { audioinput: [], videoinput: [], audiooutput: [] };
  for (const d of all) if (d.deviceId) out[d.kind].push(d);
  return out;
}

/** Fills a select with devices, keeping `current` selected; a hidden select when there is nothing. */
export function fillSelect(select: HTMLSelectElement, devices: MediaDeviceInfo[], current?: string): void {
  select.replaceChildren(
    ...devices.map((d, i) =>
      h("option", { value: d.deviceId, selected: d.deviceId === current }, d.label || `Device ${i + 1}`),
    ),
  );
  select.disabled = devices.length === 0;
}

/** The track's device id (what the selects show as chosen). */
export const deviceOf = (t: MediaStreamTrack | undefined) => t?.getSettings().deviceId;

/** What to tell a person whose camera or microphone could not be opened. */
export function mediaErrorHelp(err: unknown): string {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return "Permission denied: Sealroom may not use your camera or microphone. Allow them for this site (the camera icon in the address bar, or the browser's site settings), then press Try again.";
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return "No camera or microphone was found. Connect one and press Try again, or join without them.";
  if (name === "NotReadableError")
    return "Your camera or microphone is in use by another application. Close it and press Try again.";
  return `The camera or microphone could not be opened (${err instanceof Error ? err.message : String(err)}).`;
}
