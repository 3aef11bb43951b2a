/**
 * The device settings dialog during a call: camera, microphone and speaker. A new camera or microphone
 * is opened and handed to the engine, which swaps it on every peer connection (the encryption transform
 * stays on the sender); the speaker applies to every remote audio element (`setSinkId`).
 */
import { deviceOf, fillSelect, listDevices, mediaErrorHelp, openMedia } from "./devices.ts";
import { h } from "./dom.ts";

export interface SettingsHooks {
  current(): MediaStream | null;
  replace(track: MediaStreamTrack): Promise<void>;
  speaker(id: string): void;
}

export class SettingsDialog {
  readonly dialog: HTMLDialogElement;
  private readonly cam = h("select", { id: "set-camera" });
  private readonly mic = h("select", { id: "set-mic" });
  private readonly spk = h("select", { id: "set-speaker" });
  private readonly error = h("p", { class: "error", role: "alert" });

  private readonly hooks: SettingsHooks;

  constructor(hooks: SettingsHooks) {
    this.hooks = hooks;
    const swap = (kind: "audio" | "video", id: string) => async () => {
      this.error.textContent = "";
      try {
        const s = await openMedia(kind === "audio" ? { audio: id } : { video: id }, {
          audio: kind === "audio",
          video: kind === "video",
        });
        const t = s.getTracks()[0];
        if (t) await hooks.replace(t);
      } catch (err) {
        this.error.textContent = mediaErrorHelp(err);
      }
    };
    this.cam.onchange = () => void swap("video", this.cam.value)();
    this.mic.onchange = () => void swap("audio", this.mic.value)();
    this.spk.onchange = () => hooks.speaker(this.spk.value);
    this.dialog = h(
      "dialog",
      { class: "settings", "aria-labelledby": "settings-title" },
      h("h2", { id: "settings-title" }, "Devices"),
      h("label", { for: "set-camera" }, "Camera"),
      this.cam,
      h("label", { for: "set-mic" }, "Microphone"),
      this.mic,
      h("label", { for: "set-speaker" }, "Speaker"),
      this.spk,
      this.error,
      h("form", { method: "dialog" }, h("button", { type: "submit", class: "primary" }, "Done")),
    );
  }

  async show(): Promise<void> {
    const d = await listDevices();
    const local = this.hooks.current();
    fillSelect(this.cam, d.videoinput, deviceOf(local?.getVideoTracks()[0]));
    fillSelect(this.mic, d.audioinput, deviceOf(local?.getAudioTracks()[0]));
    fillSelect(this.spk, d.audiooutput, this.spk.value);
    if (!this.dialog.open) this.dialog.showModal();
  }
}
