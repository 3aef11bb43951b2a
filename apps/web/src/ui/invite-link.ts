/** The invite link of a room (what people share) and a "copy" button that also works without clipboard access. */
import { h } from "./dom.ts";

export function inviteLink(room: string, suite: number): string {
  return `${location.origin}/r/${room}${suite === 83 ? "?suite=83" : ""}`;
}

export async function copyText(text: string, field?: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission: select the link so that Ctrl+C copies it.
    field?.focus();
    field?.select();
    return false;
  }
}

/** Read-only link field plus a copy button; `id` prefixes the field's id. */
export function inviteBox(room: string, suite: number, id: string): HTMLElement {
  const link = inviteLink(room, suite);
  const field = h("input", { id: `${id}-field`, type: "text", readOnly: true, value: link });
  const done = h("span", { class: "muted", role: "status" });
  const button = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        done.textContent = (await copyText(link, field))
          ? "Link copied."
          : "Press Ctrl+C (⌘C) to copy the selected link.";
      },
    },
    "Copy invite link",
  );
  return h(
    "div",
    { class: "invite" },
    h("label", { for: `${id}-field` }, "Invite link"),
    h("div", { class: "row" }, field, button),
    done,
  );
}
