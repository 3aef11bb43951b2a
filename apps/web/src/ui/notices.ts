/** Short notices (joins, leaves, changes): shown for a few seconds and read out by screen readers. */
import { byId, h } from "./dom.ts";

const SHOW_MS = 6_000;

export function notify(text: string, kind: "info" | "warn" = "info"): void {
  const box = byId("notices");
  const item = h("p", { class: `notice ${kind}` }, text);
  box.append(item);
  while (box.children.length > 4) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), SHOW_MS);
}
