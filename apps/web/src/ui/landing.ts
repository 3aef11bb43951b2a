/**
 * Landing: create a room (the server mints an unguessable id; the creator picks the MLS suite, which the
 * invite link carries to everyone) or join one by pasting its link. Also reports the room server.
 */
import { h } from "./dom.ts";
import { SUITE_INFO } from "./suite.ts";

interface Health {
  name: string;
  version: string;
  commit?: string;
}

/** Test-only sizing (`?video=`) survives navigation; nothing else is carried. */
export function carry(search = location.search): string {
  const v = new URLSearchParams(search).get("video");
  return v ? `video=${encodeURIComponent(v)}` : "";
}

async function showServer(el: HTMLElement): Promise<void> {
  try {
    const res = await fetch("/healthz");
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const health = (await res.json()) as Health;
    el.textContent = `Room server ${health.name} ${health.version}${health.commit ? ` (${health.commit.slice(0, 12)})` : ""} is up.`;
  } catch (err) {
    el.textContent = `Room server unreachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** A pasted link or bare room id -> the path to go to, or null. */
export function joinTarget(text: string): string | null {
  const t = text.trim();
  if (/^[A-Za-z0-9_-]{22,64}$/.test(t)) return `/r/${t}`;
  try {
    const u = new URL(t, location.origin);
    const m = /^\/r\/[A-Za-z0-9_-]{22,64}\/?$/.exec(u.pathname);
    return m ? `${u.pathname}${u.search}` : null;
  } catch {
    return null;
  }
}

export function mountLanding(root: HTMLElement, error?: string): void {
  const status = h("p", { id: "status", class: "muted", "aria-live": "polite" }, "Checking the room server…");
  const createError = h("p", { class: "error", role: "alert" }, error ?? "");
  const suiteRadios = Object.entries(SUITE_INFO).map(([id, s]) =>
    h(
      "label",
      { class: "choice" },
      h("input", { type: "radio", name: "suite", value: id, checked: id === "1" }),
      h("span", {}, h("strong", {}, s.short), h("small", {}, s.detail)),
    ),
  );
  const create = h("button", { type: "submit", class: "primary" }, "Create a room");
  const createForm = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "create-title",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        create.disabled = true;
        try {
          const res = await fetch("/rooms", { method: "POST" });
          if (!res.ok) throw new Error(`the room server answered ${res.status}`);
          const { room } = (await res.json()) as { room: string };
          const suite = new FormData(createForm).get("suite");
          const q = [suite === "83" ? "suite=83" : "", carry()].filter(Boolean).join("&");
          location.assign(`/r/${room}${q ? `?${q}` : ""}`);
        } catch (err) {
          createError.textContent = `Could not create a room: ${err instanceof Error ? err.message : String(err)}`;
          create.disabled = false;
        }
      },
    },
    h("h2", { id: "create-title" }, "Start a call"),
    h("fieldset", {}, h("legend", {}, "Encryption (everyone in the room will see it)"), ...suiteRadios),
    create,
  );
  const link = h("input", {
    id: "join-link",
    type: "text",
    inputMode: "url",
    autocomplete: "off",
    placeholder: "https://…/r/…",
  });
  const joinError = h("p", { class: "error", role: "alert" });
  const joinForm = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "join-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const target = joinTarget(link.value);
        if (!target) {
          joinError.textContent = "That is not a Sealroom invite link.";
          link.focus();
          return;
        }
        location.assign(target);
      },
    },
    h("h2", { id: "join-title" }, "Join a call"),
    h("label", { for: "join-link" }, "Invite link or room code"),
    link,
    joinError,
    h("button", { type: "submit" }, "Join"),
  );
  root.replaceChildren(
    h(
      "section",
      { class: "landing" },
      h("h1", {}, "Video calls only the people in them can see"),
      h(
        "p",
        { class: "lead" },
        "End-to-end encrypted with MLS: your browser holds every key, the server only relays ciphertext. Compare the safety number to be sure.",
      ),
      createError,
      h("div", { class: "cards" }, createForm, joinForm),
      status,
    ),
  );
  void showServer(status);
}
