/**
 * Minimal page over the call engine (the full UI is a later issue): `/` shows the room server and
 * creates rooms; `/r/<room>?suite=<n>` joins the room and shows the safety number and remote videos.
 */
import { Call } from "./engine/call.ts";
import { parseInvite } from "./invite.ts";

interface Health {
  name: string;
  version: string;
  commit?: string;
}

const $ = (id: string) => document.getElementById(id)!;

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

function landing(): void {
  $("landing").hidden = false;
  $("create").addEventListener("click", async () => {
    const { room } = (await (await fetch("/rooms", { method: "POST" })).json()) as { room: string };
    const suite = ($("pq") as HTMLInputElement).checked ? "?suite=83" : "";
    location.assign(`/r/${room}${suite}`);
  });
}

function joinRoom(room: string, suite: number): void {
  $("call").hidden = false;
  // `?video=WxH@fps` picks the camera size (tests use small frames to fit many participants on 2 cores).
  const v = /^(\d+)x(\d+)@(\d+)$/.exec(new URLSearchParams(location.search).get("video") ?? "");
  const video = v ? { width: Number(v[1]), height: Number(v[2]), frameRate: Number(v[3]) } : undefined;
  const call = new Call(video ? { room, suite, video } : { room, suite });
  (globalThis as unknown as { sealroomCall: Call }).sealroomCall = call;
  call.on("connection", (e) => {
    $("connection").textContent = e.state;
  });
  call.on("participants", (e) => {
    $("me").textContent = e.me ?? "…";
    $("participants").textContent = e.present.join(", ") || "–";
  });
  call.on("epoch", (e) => {
    $("epoch").textContent = e.epoch;
    $("suite").textContent = String(e.mlsSuite);
    $("safety").textContent = e.safetyNumber;
  });
  call.on("track", ({ member, track }) => {
    if (track.kind !== "video") {
      const audio = document.createElement("audio");
      audio.autoplay = true;
      audio.dataset.member = member;
      audio.srcObject = new MediaStream([track]);
      $("remotes").append(audio);
      return;
    }
    const video = document.createElement("video");
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.dataset.member = member;
    video.srcObject = new MediaStream([track]);
    $("remotes").append(video);
  });
  call.on("peer-closed", ({ member }) => {
    for (const el of document.querySelectorAll(`[data-member="${member}"]`)) el.remove();
  });
  call.on("error", (e) => {
    console.error(`sealroom ${e.code}: ${e.detail}`);
    $("error").textContent = `${e.code}: ${e.detail}`;
  });
  call.join().catch((err) => {
    $("error").textContent = err instanceof Error ? err.message : String(err);
  });
}

void showServer($("status"));
const invite = parseInvite(location);
if (invite === null) landing();
else if ("error" in invite) $("status").textContent = invite.error;
else joinRoom(invite.room, invite.suite);
