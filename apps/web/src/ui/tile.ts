/**
 * One video tile: a member's camera (or screen share), with its name, mute and raised-hand badges, a
 * speaking ring, a connection-quality indicator, a pin button, and an overlay that replaces the picture
 * when no frame can be shown ("Waiting for keys…" when frames arrive that cannot be decrypted yet, so a
 * stale frozen frame is never left on screen).
 */
import { h } from "./dom.ts";
import { icon } from "./icons.ts";

export type Quality = "good" | "fair" | "poor" | "unknown";

export class Tile {
  readonly el: HTMLElement;
  readonly video: HTMLVideoElement;
  readonly key: string;
  private readonly nameEl: HTMLElement;
  private readonly mutedEl: HTMLElement;
  private readonly handEl: HTMLElement;
  private readonly qualityEl: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly avatar: HTMLElement;
  readonly pinBtn: HTMLButtonElement;
  private label = "";

  constructor(key: string, opts: { member?: string; screen?: boolean; local?: boolean; onPin(): void }) {
    this.key = key;
    this.video = h("video", { autoplay: true, muted: true, playsInline: true });
    // Tests and tools find a remote member's camera by data-member (own tile: data-local).
    if (opts.member && !opts.screen) this.video.dataset.member = opts.member;
    if (opts.screen && opts.member) this.video.dataset.screen = opts.member;
    if (opts.local && !opts.screen) this.video.classList.add("mirror");
    this.nameEl = h("span", { class: "name" });
    this.mutedEl = h("span", { class: "badge muted", hidden: true }, icon("mic", true), "Muted");
    this.handEl = h("span", { class: "badge hand", hidden: true }, icon("hand"), "Hand raised");
    this.qualityEl = h("span", { class: "quality", "data-q": "unknown", role: "img" });
    this.overlay = h("div", { class: "overlay", hidden: true });
    this.avatar = h("div", { class: "avatar", hidden: true, "aria-hidden": "true" });
    this.pinBtn = h(
      "button",
      { type: "button", class: "pin", "aria-pressed": "false", onclick: opts.onPin },
      "Pin",
    );
    this.el = h(
      "figure",
      { class: `tile${opts.screen ? " screen" : ""}${opts.local ? " local" : ""}`, "data-key": key },
      this.video,
      this.avatar,
      this.overlay,
      h("div", { class: "badges" }, this.handEl),
      h("figcaption", {}, this.mutedEl, this.nameEl, this.qualityEl, this.pinBtn),
    );
    if (opts.local) this.qualityEl.hidden = true;
  }

  setStream(stream: MediaStream | null): void {
    if (this.video.srcObject !== stream) this.video.srcObject = stream;
  }

  setName(name: string): void {
    if (name === this.label) return;
    this.label = name;
    this.nameEl.textContent = name;
    this.avatar.textContent = name.trim().charAt(0).toUpperCase() || "?";
    this.pinBtn.setAttribute("aria-label", `Pin ${name}`);
    this.el.setAttribute("aria-label", name);
  }

  setMuted(muted: boolean): void {
    this.mutedEl.hidden = !muted;
    this.el.classList.toggle("is-muted", muted);
  }

  setHand(up: boolean): void {
    this.handEl.hidden = !up;
    this.el.classList.toggle("hand-up", up);
  }

  setCamera(on: boolean): void {
    this.avatar.hidden = on;
    this.video.classList.toggle("hidden", !on);
  }

  setSpeaking(speaking: boolean): void {
    this.el.classList.toggle("speaking", speaking);
  }

  setPinned(pinned: boolean): void {
    this.el.classList.toggle("pinned", pinned);
    this.pinBtn.setAttribute("aria-pressed", String(pinned));
    this.pinBtn.textContent = pinned ? "Unpin" : "Pin";
  }

  setQuality(q: Quality, detail: string): void {
    this.qualityEl.dataset.q = q;
    this.qualityEl.setAttribute("aria-label", `Connection ${q}${detail ? `: ${detail}` : ""}`);
    this.qualityEl.title = detail;
  }

  /** Text over the tile instead of the picture (null: show the video). */
  setOverlay(text: string | null): void {
    this.overlay.hidden = text === null;
    this.overlay.textContent = text ?? "";
    this.el.classList.toggle("no-picture", text !== null);
  }
}
