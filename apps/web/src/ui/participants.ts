/** The participant list: everyone present, with name, "you", muted, camera off and raised hand. */
import { h } from "./dom.ts";

export interface ParticipantRow {
  member: string;
  name: string;
  me: boolean;
  muted: boolean;
  camera: boolean;
  hand: boolean;
  inGroup: boolean;
}

export class ParticipantsPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly title: HTMLElement;

  constructor(close: () => void) {
    this.list = h("ul", { class: "people" });
    this.title = h("h2", { id: "people-title" }, "People");
    this.el = h(
      "aside",
      { class: "panel", id: "people-panel", "aria-labelledby": "people-title", hidden: true },
      h(
        "header",
        {},
        this.title,
        h("button", { type: "button", class: "close", onclick: close, "aria-label": "Close people" }, "×"),
      ),
      this.list,
    );
  }

  setOpen(open: boolean): void {
    this.el.hidden = !open;
  }

  render(rows: ParticipantRow[]): void {
    this.title.textContent = `People (${rows.length})`;
    this.list.replaceChildren(
      ...rows.map((r) =>
        h(
          "li",
          { "data-member": r.member },
          h("span", { class: "name" }, r.me ? `${r.name} (you)` : r.name),
          h(
            "span",
            { class: "states" },
            r.hand ? "hand raised · " : "",
            r.muted ? "muted" : "mic on",
            r.camera ? "" : " · camera off",
            r.inGroup ? "" : " · joining encryption…",
          ),
        ),
      ),
    );
  }
}
