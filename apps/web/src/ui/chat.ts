/**
 * In-call chat: every line is an MLS application message (end-to-end encrypted and signed; the room
 * relays ciphertext), shown with the sender's name and time, an unread count while the panel is closed,
 * and the rule that what was said before you joined cannot be read.
 */
import { clock, h } from "./dom.ts";

export interface ChatLine {
  seq: string;
  sender: string;
  text: string;
  at: number;
  own: boolean;
}

export class ChatPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly input: HTMLInputElement;
  private unread = 0;
  private open = false;
  private readonly onUnread: (n: number) => void;

  constructor(opts: { send(text: string): void; onUnread(n: number): void; close(): void }) {
    this.onUnread = opts.onUnread;
    this.list = h("ol", { class: "messages", "aria-live": "polite", "aria-label": "Messages" });
    this.input = h("input", {
      id: "chat-input",
      type: "text",
      maxLength: 1000,
      autocomplete: "off",
      placeholder: "Message everyone",
    });
    const form = h(
      "form",
      {
        class: "row",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const text = this.input.value.trim();
          if (!text) return;
          opts.send(text);
          this.input.value = "";
        },
      },
      h("label", { for: "chat-input", class: "sr-only" }, "Message"),
      this.input,
      h("button", { type: "submit" }, "Send"),
    );
    this.el = h(
      "aside",
      { class: "panel chat", id: "chat-panel", "aria-labelledby": "chat-title", hidden: true },
      h(
        "header",
        {},
        h("h2", { id: "chat-title" }, "Chat"),
        h("button", { type: "button", class: "close", onclick: opts.close, "aria-label": "Close chat" }, "×"),
      ),
      h(
        "p",
        { class: "note" },
        "End-to-end encrypted: only people in the call can read messages. Messages sent before you joined are not readable to you, and people who join later cannot read this conversation.",
      ),
      this.list,
      form,
    );
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.el.hidden = !open;
    if (open) {
      this.unread = 0;
      this.onUnread(0);
      this.input.focus();
      this.list.lastElementChild?.scrollIntoView({ block: "end" });
    }
  }

  add(line: ChatLine, senderName: string): void {
    const item = h(
      "li",
      { class: line.own ? "own" : "", "data-seq": line.seq },
      h(
        "div",
        { class: "meta" },
        h("strong", {}, line.own ? `${senderName} (you)` : senderName),
        " ",
        h("time", { dateTime: new Date(line.at).toISOString() }, clock(line.at)),
      ),
      h("p", {}, line.text),
    );
    this.list.append(item);
    item.scrollIntoView({ block: "end" });
    if (!this.open && !line.own) this.onUnread(++this.unread);
  }

  /** A line that could not be sent (not yet in the encrypted group, …). */
  failed(text: string, reason: string): void {
    this.list.append(
      h(
        "li",
        { class: "failed" },
        h(
          "p",
          {},
          `Not sent (${reason === "not-in-sync" ? "encryption is still being set up, try again in a moment" : reason}): ${text}`,
        ),
      ),
    );
  }
}
