/**
 * The call screen: composes the grid, toolbar, chat, participant list, safety number, settings and
 * notices over the call engine (`engine/call.ts`). Everything people say about themselves (name, mute,
 * camera, raised hand, screen share) and to each other (chat) goes through the engine as MLS
 * application messages; the room server never sees it in the clear.
 */
import { Call, type CallEvents } from "../engine/call.ts";
import { ChatPanel } from "./chat.ts";
import { videoConstraints } from "./devices.ts";
import { byId, h, setIcon, setPressed, toolButton } from "./dom.ts";
import { Grid } from "./grid.ts";
import { copyText, inviteLink } from "./invite-link.ts";
import type { LobbyResult } from "./lobby.ts";
import { levelMeter } from "./meter.ts";
import { notify } from "./notices.ts";
import { ParticipantsPanel } from "./participants.ts";
import { grade, PeerStats } from "./quality.ts";
import { SafetyNumber } from "./safety-number.ts";
import { SettingsDialog } from "./settings.ts";

const STATS_MS = 1_000;
const SPEAKING_REMOTE = 0.02;
const SPEAKING_LOCAL = 0.08;
/** Media worker drop reasons that mean "no key for this frame (yet)". */
const KEY_DROPS = ["unknown-epoch", "unknown-sender", "expired-epoch"];

interface Remote {
  tracks: { track: MediaStreamTrack; stream: string }[];
  audio: HTMLAudioElement[];
}

/** The engine for the room of the page, created with the lobby so that it can prepare meanwhile. */
export function prepareCall(room: string, suite: number): Call {
  const call = new Call({ room, suite, video: videoConstraints() });
  // A failure here (no config, no worker) surfaces again, with a banner, from join().
  call.prepare().catch(() => undefined);
  return call;
}

export function mountCall(root: HTMLElement, call: Call, lobby: LobbyResult): Call {
  const { room, suite } = call;
  call.setPresence({ name: lobby.name, muted: lobby.muted, camera: lobby.camera });
  (globalThis as unknown as { sealroomCall: Call }).sealroomCall = call;
  // Join first: with the engine prepared in the lobby, the key package leaves before the view is built
  // (join() takes the lobby's media at once; the local tile and the meter below read it). The engine's
  // events come later, from its workers, when the listeners below are in place.
  const joining = call.join(lobby.media);

  const grid = new Grid();
  const remotes = new Map<string, Remote>();
  const streams = new Map<string, MediaStream>();
  const streamOf = (t: MediaStreamTrack) => {
    const s = streams.get(t.id) ?? new MediaStream([t]);
    streams.set(t.id, s);
    return s;
  };
  let speaker = lobby.speaker;
  const sinks = h("div", { hidden: true });
  const banner = h("p", { class: "banner", role: "status", hidden: true });
  const mutedHint = h("p", { class: "muted-hint", role: "status", hidden: true }, "You are muted");
  /** Members present when we arrived get no "joined" notice. */
  let known: Set<string> | null = null;
  const announced = new Set<string>();

  const nameOf = (m: string) =>
    m === call.me
      ? call.presence.name || "You"
      : call.others.get(m)?.name || `Guest ${m.length > 6 ? m.slice(-6) : m}`;

  // --- panels and dialogs ------------------------------------------------------------------------
  const chatBtn = toolButton("chat", "Chat", () => togglePanel("chat"), { "aria-controls": "chat-panel" });
  const unread = h("span", { class: "count", hidden: true, "aria-label": "unread messages" });
  chatBtn.append(unread);
  const chat = new ChatPanel({
    send: (text) => call.sendChat(text),
    onUnread: (n) => {
      unread.hidden = n === 0;
      unread.textContent = String(n);
      chatBtn.setAttribute("aria-label", n ? `Chat, ${n} unread` : "Chat");
    },
    close: () => togglePanel(null),
  });
  const people = new ParticipantsPanel(() => togglePanel(null));
  const peopleBtn = toolButton("people", "People", () => togglePanel("people"), {
    "aria-controls": "people-panel",
  });
  let panel: "chat" | "people" | null = null;
  function togglePanel(which: "chat" | "people" | null) {
    panel = panel === which ? null : which;
    chat.setOpen(panel === "chat");
    people.setOpen(panel === "people");
    setPressed(chatBtn, panel === "chat");
    setPressed(peopleBtn, panel === "people");
    layout.classList.toggle("with-panel", panel !== null);
    if (panel === null) (which === "people" ? peopleBtn : chatBtn).focus();
  }
  const safety = new SafetyNumber();
  const settings = new SettingsDialog({
    current: () => call.local,
    replace: async (t) => {
      await call.replaceTrack(t);
      if (t.kind === "audio") startMeter();
      localTile();
    },
    speaker: (id) => {
      speaker = id;
      for (const a of sinks.querySelectorAll("audio")) void setSink(a as HTMLAudioElement);
    },
  });
  const setSink = async (a: HTMLAudioElement) => {
    const el = a as HTMLAudioElement & { setSinkId?(id: string): Promise<void> };
    if (speaker && el.setSinkId) await el.setSinkId(speaker).catch(() => undefined);
  };

  // --- toolbar -------------------------------------------------------------------------------------
  const micBtn = toolButton("mic", "Mute", () => {
    call.setPresence({ muted: !call.presence.muted });
    syncTools();
  });
  const camBtn = toolButton("camera", "Stop video", () => {
    call.setPresence({ camera: !call.presence.camera });
    syncTools();
  });
  const shareBtn = toolButton("screen", "Share screen", () => void toggleShare());
  const handBtn = toolButton("hand", "Raise hand", () => {
    call.setPresence({ hand: !call.presence.hand });
    syncTools();
  });
  const safetyBtn = toolButton("lock", "Safety number", () => safety.show());
  const settingsBtn = toolButton("gear", "Settings", () => void settings.show());
  const inviteBtn = toolButton("link", "Copy invite link", async () => {
    const ok = await copyText(inviteLink(room, suite));
    notify(ok ? "Invite link copied." : `Invite link: ${inviteLink(room, suite)}`);
  });
  const leaveBtn = toolButton("leave", "Leave", () => leave(), { class: "tool danger" });
  function syncTools() {
    const p = call.presence;
    setPressed(micBtn, p.muted, p.muted ? "Unmute" : "Mute");
    setPressed(camBtn, !p.camera, p.camera ? "Stop video" : "Start video");
    setPressed(handBtn, p.hand, p.hand ? "Lower hand" : "Raise hand");
    setPressed(shareBtn, call.screen !== null, call.screen ? "Stop sharing" : "Share screen");
    setIcon(micBtn, "mic", p.muted);
    setIcon(camBtn, "camera", !p.camera);
    localTile();
    renderPeople();
  }

  async function toggleShare() {
    if (call.screen) {
      call.shareScreen(null);
    } else {
      try {
        const s = await navigator.mediaDevices.getDisplayMedia({
          // Every peer of the mesh gets its own encode: keep shares modest (text stays readable).
          video: { frameRate: { max: 5 }, width: { max: 1280 }, height: { max: 720 } },
          audio: false,
        });
        call.shareScreen(s);
        s.getVideoTracks()[0]?.addEventListener("ended", () => {
          grid.remove("local:screen");
          syncTools();
        });
      } catch (err) {
        notify(`Screen sharing did not start (${err instanceof Error ? err.message : String(err)}).`, "warn");
      }
    }
    syncTools();
  }

  function localTile() {
    const t = grid.tile("local", { local: true });
    t.setStream(call.local);
    t.setName(`${call.presence.name || "You"} (you)`);
    t.setMuted(call.presence.muted);
    t.setHand(call.presence.hand);
    t.setCamera(call.presence.camera && (call.local?.getVideoTracks().length ?? 0) > 0);
    if (call.screen) {
      const s = grid.tile("local:screen", { local: true, screen: true });
      s.setName("Your screen");
      s.setStream(call.screen);
    } else grid.remove("local:screen");
  }

  // --- remote members ------------------------------------------------------------------------------
  function renderMember(m: string) {
    const r = remotes.get(m) ?? { tracks: [], audio: [] };
    remotes.set(m, r);
    const p = call.others.get(m);
    const t = grid.tile(m, { member: m });
    t.setName(nameOf(m));
    t.setMuted(p?.muted ?? false);
    t.setHand(p?.hand ?? false);
    t.setCamera(p?.camera ?? true);
    const live = r.tracks.filter((x) => x.track.readyState === "live");
    const screenId = p?.screen ?? null;
    const camStream = live.find((x) => x.track.kind === "audio")?.stream;
    const videos = live.filter((x) => x.track.kind === "video" && x.stream !== screenId);
    const cam = videos.find((x) => x.stream === camStream) ?? videos[0];
    if (cam) t.setStream(streamOf(cam.track));
    const scr = screenId ? live.find((x) => x.track.kind === "video" && x.stream === screenId) : undefined;
    if (scr) {
      const s = grid.tile(`${m}:screen`, { member: m, screen: true });
      s.setName(`${nameOf(m)} (screen)`);
      s.setStream(streamOf(scr.track));
    } else grid.remove(`${m}:screen`);
  }

  function dropMember(m: string) {
    const r = remotes.get(m);
    for (const a of r?.audio ?? []) a.remove();
    for (const x of r?.tracks ?? []) streams.delete(x.track.id);
    remotes.delete(m);
    grid.remove(m);
    grid.remove(`${m}:screen`);
  }

  function renderPeople() {
    const inGroup = new Set(call.epoch?.roster.map((r) => r[1]) ?? []);
    const rows = call.present.map((m) => {
      const me = m === call.me;
      const p = me ? { ...call.presence } : call.others.get(m);
      return {
        member: m,
        name: nameOf(m),
        me,
        muted: p?.muted ?? false,
        camera: p?.camera ?? true,
        hand: p?.hand ?? false,
        inGroup: inGroup.has(m),
      };
    });
    people.render(rows.sort((a, b) => Number(b.me) - Number(a.me) || a.name.localeCompare(b.name)));
  }

  const on = <K extends keyof CallEvents>(k: K, fn: (e: CallEvents[K]) => void) => call.on(k, fn);
  on("participants", (e) => {
    if (e.me === null) return;
    const present = new Set(e.present.filter((m) => m !== e.me));
    if (known === null) known = new Set(present);
    for (const m of present) renderMember(m);
    for (const m of remotes.keys()) {
      if (present.has(m)) continue;
      if (announced.has(m) || known.has(m)) notify(`${nameOf(m)} left`);
      announced.delete(m);
      peerStats.forget(m);
      call.others.delete(m);
      dropMember(m);
    }
    renderPeople();
  });
  on("presence", (e) => {
    if (!announced.has(e.member)) {
      announced.add(e.member);
      if (known !== null && !known.has(e.member)) notify(`${e.name || nameOf(e.member)} joined`);
    }
    const before = grid.tiles.get(e.member)?.el.classList.contains("hand-up");
    if (e.hand && !before) notify(`${nameOf(e.member)} raised a hand`);
    renderMember(e.member);
    renderPeople();
    safety.setMembers(rosterNames());
  });
  on("track", ({ member, track, stream }) => {
    const r = remotes.get(member) ?? { tracks: [], audio: [] };
    remotes.set(member, r);
    r.tracks.push({ track, stream });
    track.addEventListener("ended", () => renderMember(member));
    if (track.kind === "audio") {
      const a = h("audio", { autoplay: true, "data-member": member });
      a.srcObject = new MediaStream([track]);
      void setSink(a);
      sinks.append(a);
      r.audio.push(a);
    }
    renderMember(member);
  });
  on("peer-closed", ({ member }) => {
    const r = remotes.get(member);
    if (!r) return;
    for (const a of r.audio) a.remove();
    r.audio = [];
    r.tracks = [];
  });
  const rosterNames = () =>
    (call.epoch?.roster ?? []).map(([, m]) => (m === call.me ? `${nameOf(m)} (you)` : nameOf(m)));
  on("epoch", (e) => {
    safety.update({
      epoch: e.epoch,
      suite: e.mlsSuite,
      safetyNumber: e.safetyNumber,
      members: rosterNames(),
    });
    renderPeople();
  });
  on("connection", ({ state }) => {
    if (state === "reconnecting") {
      safety.pending("Reconnecting…");
      showBanner("Connection to the room lost: reconnecting…");
    } else if (state === "open") showBanner(null);
  });
  on("chat", (e) => chat.add(e, nameOf(e.sender)));
  on("chat-failed", (e) => chat.failed(e.text, e.reason));
  on("error", (e) => {
    console.warn(`sealroom ${e.code}: ${e.detail}`);
    if (e.code === "suite-mismatch")
      showBanner(`This room uses a different encryption suite than your link says (${e.detail}).`);
  });

  function showBanner(text: string | null) {
    banner.hidden = text === null;
    banner.textContent = text ?? "";
  }

  // --- stats: quality, speaking, waiting for keys, network warnings ------------------------------
  const peerStats = new PeerStats();
  const frames = new Map<string, { n: number; stalls: number }>();
  let keyDrops = 0;
  const statsTimer = setInterval(async () => {
    const fs = await call.frameStats();
    const drops = KEY_DROPS.reduce((a, k) => a + (fs[k] ?? 0), 0);
    const keysMissing = drops > keyDrops;
    keyDrops = drops;
    const warnings: string[] = [];
    for (const stats of await call.mediaStats()) {
      const m = stats.member;
      const tile = grid.tiles.get(m);
      if (!tile) continue;
      const s = peerStats.sample(stats);
      const g = grade(s);
      tile.setQuality(g.q, g.detail);
      tile.setSpeaking(s.audioLevel > SPEAKING_REMOTE && !call.others.get(m)?.muted);
      if (s.ice === "disconnected" || s.ice === "failed")
        warnings.push(`Connection to ${nameOf(m)} lost (ICE ${s.ice}): trying again…`);
      else if (g.q === "poor") warnings.push(`Poor connection to ${nameOf(m)} (${g.detail}).`);
      for (const key of [m, `${m}:screen`]) {
        const t = grid.tiles.get(key);
        if (!t) continue;
        const track = (t.video.srcObject as MediaStream | null)?.getVideoTracks()[0];
        const n = track ? (s.frames.get(track.id) ?? 0) : 0;
        const prev = frames.get(key) ?? { n: 0, stalls: 0 };
        const stalls = n > prev.n ? 0 : prev.stalls + 1;
        frames.set(key, { n, stalls });
        if (stalls === 0) t.setOverlay(null);
        else if (stalls >= 2 || n === 0)
          t.setOverlay(keysMissing ? "Waiting for keys…" : n === 0 ? "Connecting…" : "Video paused");
      }
    }
    if (call.connection === "open") showBanner(warnings[0] ?? null);
  }, STATS_MS);

  // --- own microphone: speaking ring and "you are muted" ------------------------------------------
  let stopMeter: () => void = () => undefined;
  let loud = 0;
  function startMeter() {
    stopMeter();
    const mic = call.local?.getAudioTracks()[0];
    if (!mic) return;
    stopMeter = levelMeter(mic, (level) => {
      const speaking = level > SPEAKING_LOCAL;
      loud = speaking ? loud + 1 : 0;
      grid.tiles.get("local")?.setSpeaking(speaking && !call.presence.muted);
      if (call.presence.muted && loud >= 3) {
        mutedHint.hidden = false;
        clearTimeout(hintTimer);
        hintTimer = setTimeout(() => (mutedHint.hidden = true), 2_500);
      }
    });
  }
  let hintTimer: ReturnType<typeof setTimeout> | undefined;

  function leave() {
    clearInterval(statsTimer);
    stopMeter();
    call.leave();
    for (const d of [safety.dialog, settings.dialog]) if (d.open) d.close();
    byId("header-status").replaceChildren();
    root.replaceChildren(
      h(
        "section",
        { class: "left" },
        h("h1", {}, "You left the call"),
        h(
          "p",
          {},
          h("a", { href: location.pathname + location.search }, "Rejoin"),
          " · ",
          h("a", { href: "/" }, "Home"),
        ),
      ),
    );
  }

  // --- layout --------------------------------------------------------------------------------------
  const tools = h(
    "nav",
    { class: "toolbar", "aria-label": "Call controls" },
    micBtn,
    camBtn,
    shareBtn,
    handBtn,
    chatBtn,
    peopleBtn,
    safetyBtn,
    settingsBtn,
    inviteBtn,
    leaveBtn,
  );
  const layout = h(
    "div",
    { class: "call" },
    h("div", { class: "stage" }, banner, grid.el, mutedHint),
    chat.el,
    people.el,
    tools,
    sinks,
    safety.dialog,
    settings.dialog,
  );
  byId("header-status").replaceChildren(safety.status);
  root.replaceChildren(layout);
  addEventListener("resize", () => grid.layout());
  joining.catch((err) => showBanner(`Could not join: ${err instanceof Error ? err.message : String(err)}`));
  syncTools();
  startMeter();
  return call;
}
