/**
 * Lobby: before joining, a person sets a display name, sees the camera preview and the microphone level,
 * picks devices, learns how many people are already in the room (`GET /rooms/<id>`, a count only) and
 * copies the invite link. Media errors come with help; "Join" hands the open media to the call view.
 */
import type { Call } from "../engine/call.ts";
import { deviceOf, fillSelect, listDevices, mediaErrorHelp, openMedia } from "./devices.ts";
import { h, setPressed } from "./dom.ts";
import { inviteBox } from "./invite-link.ts";
import { levelMeter } from "./meter.ts";
import { suiteLabel } from "./suite.ts";

export interface LobbyResult {
  media: MediaStream;
  name: string;
  muted: boolean;
  camera: boolean;
  speaker?: string;
}

const NAME_KEY = "sealroom.name";
const ROOM_POLL_MS = 3_000;

export function mountLobby(
  root: HTMLElement,
  room: string,
  suite: number,
  onJoin: (r: LobbyResult) => void,
  call?: Call,
): void {
  let media: MediaStream | null = null;
  let stopMeter: () => void = () => undefined;
  let muted = false;
  let camera = true;

  const preview = h("video", { autoplay: true, muted: true, playsInline: true, class: "mirror" });
  preview.setAttribute("aria-label", "Your camera preview");
  const meter = h("meter", { id: "mic-meter", min: 0, max: 1, value: 0, low: 0.1, high: 0.6 });
  const help = h("div", { class: "help", role: "alert", hidden: true });
  const camSel = h("select", { id: "lobby-camera" });
  const micSel = h("select", { id: "lobby-mic" });
  const spkSel = h("select", { id: "lobby-speaker" });
  const present = h("p", { class: "present", "aria-live": "polite" }, "Checking who is here…");
  const name = h("input", {
    id: "lobby-name",
    type: "text",
    maxLength: 40,
    autocomplete: "nickname",
    value: localStorage.getItem(NAME_KEY) ?? "",
  });
  const micBtn = h(
    "button",
    { type: "button", "aria-pressed": "false", onclick: () => toggleMic() },
    "Mute microphone",
  );
  const camBtn = h(
    "button",
    { type: "button", "aria-pressed": "false", onclick: () => toggleCam() },
    "Turn camera off",
  );
  const join = h("button", { type: "submit", class: "primary", disabled: true }, "Join");

  function toggleMic() {
    muted = !muted;
    for (const t of media?.getAudioTracks() ?? []) t.enabled = !muted;
    setPressed(micBtn, muted);
    micBtn.textContent = muted ? "Unmute microphone" : "Mute microphone";
  }
  function toggleCam() {
    camera = !camera;
    for (const t of media?.getVideoTracks() ?? []) t.enabled = camera;
    setPressed(camBtn, !camera);
    camBtn.textContent = camera ? "Turn camera off" : "Turn camera on";
    preview.classList.toggle("off", !camera);
  }

  async function open(choice: { audio?: string; video?: string } = {}): Promise<void> {
    help.hidden = true;
    stopMeter();
    for (const t of media?.getTracks() ?? []) t.stop();
    media = null;
    call?.setLobbyMedia(null);
    try {
      media = await openMedia(choice, { audio: true, video: true });
    } catch (err) {
      help.replaceChildren(
        h("p", {}, mediaErrorHelp(err)),
        h("button", { type: "button", onclick: () => void open() }, "Try again"),
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              media = new MediaStream();
              help.hidden = true;
              join.disabled = false;
            },
          },
          "Join without camera and microphone",
        ),
      );
      help.hidden = false;
      join.disabled = true;
      return;
    }
    for (const t of media.getAudioTracks()) t.enabled = !muted;
    for (const t of media.getVideoTracks()) t.enabled = camera;
    preview.srcObject = media;
    const mic = media.getAudioTracks()[0];
    if (mic) stopMeter = levelMeter(mic, (l) => (meter.value = l));
    join.disabled = false;
    // The engine makes its peer connections and offers for these (held until Join; engine/call.ts).
    call?.setLobbyMedia(media);
    const d = await listDevices();
    fillSelect(camSel, d.videoinput, deviceOf(media.getVideoTracks()[0]));
    fillSelect(micSel, d.audioinput, deviceOf(mic));
    fillSelect(spkSel, d.audiooutput);
  }

  camSel.onchange = () => void open({ video: camSel.value, audio: micSel.value });
  micSel.onchange = () => void open({ video: camSel.value, audio: micSel.value });

  let poll: ReturnType<typeof setTimeout> | undefined;
  async function count(): Promise<void> {
    try {
      const res = await fetch(`/rooms/${encodeURIComponent(room)}`);
      if (res.ok) {
        const { members } = (await res.json()) as { members: number };
        present.textContent =
          members === 0
            ? "No one else is here yet."
            : `${members} ${members === 1 ? "person is" : "people are"} in this room.`;
      }
    } catch {
      present.textContent = "Could not reach the room server.";
    }
    poll = setTimeout(count, ROOM_POLL_MS);
  }

  const form = h(
    "form",
    {
      class: "lobby",
      "aria-labelledby": "lobby-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (!media) return;
        clearTimeout(poll);
        stopMeter();
        localStorage.setItem(NAME_KEY, name.value.trim());
        onJoin({ media, name: name.value.trim(), muted, camera, speaker: spkSel.value || undefined });
      },
    },
    h(
      "div",
      { class: "preview" },
      preview,
      h("div", { class: "meter" }, h("label", { for: "mic-meter" }, "Microphone level"), meter),
      h("div", { class: "row" }, micBtn, camBtn),
    ),
    h(
      "div",
      { class: "setup" },
      h("h1", { id: "lobby-title" }, "Ready to join?"),
      h("p", { class: "suite-badge" }, `End-to-end encrypted · ${suiteLabel(suite)}`),
      present,
      h("label", { for: "lobby-name" }, "Your name"),
      name,
      help,
      h(
        "details",
        {},
        h("summary", {}, "Devices"),
        h("label", { for: "lobby-camera" }, "Camera"),
        camSel,
        h("label", { for: "lobby-mic" }, "Microphone"),
        micSel,
        h("label", { for: "lobby-speaker" }, "Speaker"),
        spkSel,
      ),
      inviteBox(room, suite, "lobby-invite"),
      join,
    ),
  );
  // The engine prepares meanwhile (engine/call.ts `prepare`); `data-engine` says when Join only has to
  // announce (tests and the join benchmark wait for it; nothing else depends on it).
  form.dataset.engine = call?.isPrepared ? "ready" : "preparing";
  call?.on("prepared", () => (form.dataset.engine = "ready"));
  root.replaceChildren(form);
  name.focus();
  void count();
  void open();
}
