/**
 * The one DOM helper of the UI: `h(tag, props, ...children)` builds an element. Props: `class`, event
 * handlers as `onclick` etc., DOM properties (`value`, `hidden`, …) and anything else as an attribute
 * (`aria-*`, `data-*`). No framework: see the README for why.
 */
import { type IconName, icon } from "./icons.ts";

type Child = Node | string | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = String(v);
    else if (k.startsWith("on") && typeof v === "function")
      el.addEventListener(k.slice(2), v as EventListener);
    else if (k in el && !k.includes("-")) (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Element by id (the static shell in index.html). */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** A toggle button's pressed state, for assistive technology and CSS alike. */
export function setPressed(button: HTMLElement, pressed: boolean, label?: string): void {
  button.setAttribute("aria-pressed", String(pressed));
  if (label !== undefined) {
    const text = button.querySelector(".label");
    if (text) text.textContent = label;
  }
}

/** A toolbar button: a visible caption under an icon, the caption doubling as the accessible name. */
export function toolButton(symbol: IconName, label: string, onclick: () => void, props: Props = {}) {
  return h(
    "button",
    { type: "button", class: "tool", onclick, ...props },
    icon(symbol),
    h("span", { class: "label" }, label),
  );
}

/** Swaps a button's icon (e.g. a crossed-out microphone while muted). */
export function setIcon(button: HTMLElement, name: IconName, crossed = false): void {
  button.querySelector("svg")?.replaceWith(icon(name, crossed));
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
