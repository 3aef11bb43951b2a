/**
 * End-to-end encryption status and the safety number. The header shows "Encrypted · suite · epoch";
 * the dialog shows the 30-digit safety number (computed by the committer package from the MLS epoch
 * authenticator, identical for everyone in the same epoch) in six groups of five, large enough to read
 * aloud, says what to do with it, lists who holds the keys, and marks visibly when it changed (every
 * join or leave starts a new epoch with a new number).
 */
import { clock, h } from "./dom.ts";
import { icon } from "./icons.ts";
import { suiteLabel } from "./suite.ts";

export interface SafetyView {
  epoch: string;
  suite: number;
  safetyNumber: string;
  /** Display names of the members of this epoch, ours marked. */
  members: string[];
}

/** "12345 67890 …" -> six groups; anything else as one group. */
export function safetyGroups(n: string): string[] {
  const digits = n.replace(/\D/g, "");
  if (digits.length !== 30) return [n];
  return digits.match(/\d{5}/g) ?? [n];
}

export class SafetyNumber {
  readonly status: HTMLButtonElement;
  readonly dialog: HTMLDialogElement;
  private readonly number: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly changed: HTMLElement;
  private readonly members: HTMLUListElement;
  private last: string | null = null;

  constructor() {
    this.status = h(
      "button",
      { type: "button", class: "e2ee pending", id: "e2ee-status", onclick: () => this.show() },
      "Setting up encryption…",
    );
    this.number = h("p", { class: "safety-number", id: "safety-number", "aria-live": "polite" });
    this.facts = h("p", { class: "muted" });
    this.changed = h("p", { class: "changed-note", role: "status" });
    this.members = h("ul", { class: "people" });
    this.dialog = h(
      "dialog",
      { class: "safety", "aria-labelledby": "safety-title" },
      h("h2", { id: "safety-title" }, "Compare the safety number"),
      this.facts,
      this.number,
      this.changed,
      h(
        "ol",
        { class: "howto" },
        h("li", {}, "Read the six groups of digits aloud, or hold your screens side by side."),
        h(
          "li",
          {},
          "If everyone sees the same number, the call is encrypted between exactly the people listed below: nobody else, not even the server, holds the keys.",
        ),
        h(
          "li",
          {},
          "If anyone's number differs, someone may be intercepting the call. Leave, and talk through another channel.",
        ),
        h("li", {}, "The number changes whenever someone joins or leaves. Compare again after a change."),
      ),
      h("h3", {}, "Holding the keys now"),
      this.members,
      h("form", { method: "dialog" }, h("button", { type: "submit", class: "primary" }, "Done")),
    );
  }

  show(): void {
    if (!this.dialog.open) this.dialog.showModal();
  }

  update(v: SafetyView): void {
    const groups = safetyGroups(v.safetyNumber);
    this.number.replaceChildren(...groups.map((g) => h("span", { class: "group" }, g)));
    this.number.setAttribute("aria-label", `Safety number ${groups.join(", ")}`);
    this.facts.textContent = `Encrypted · ${suiteLabel(v.suite)} · epoch ${v.epoch}`;
    this.members.replaceChildren(...v.members.map((m) => h("li", {}, m)));
    this.status.className = "e2ee";
    this.status.replaceChildren(
      icon("lock"),
      h("span", {}, `Encrypted · ${suiteLabel(v.suite)} · epoch ${v.epoch}`),
      h("span", { class: "short" }, ` · ${groups[0] ?? ""}…`),
    );
    this.status.setAttribute(
      "aria-label",
      `End-to-end encrypted, ${suiteLabel(v.suite)}, epoch ${v.epoch}. Show safety number`,
    );
    if (this.last !== null && this.last !== v.safetyNumber) {
      this.changed.textContent = `Changed at ${clock(Date.now())} (epoch ${v.epoch}): someone joined or left. Compare again.`;
      for (const el of [this.number, this.status]) {
        el.classList.remove("flash");
        void el.offsetWidth; // restart the animation
        el.classList.add("flash");
      }
    }
    this.last = v.safetyNumber;
  }

  /** The members' display names changed (names arrive encrypted after the epoch that added them). */
  setMembers(members: string[]): void {
    this.members.replaceChildren(...members.map((m) => h("li", {}, m)));
  }

  /** Not in the group (reconnecting, resyncing): no number to compare. */
  pending(text: string): void {
    this.status.className = "e2ee pending";
    this.status.textContent = text;
  }
}
