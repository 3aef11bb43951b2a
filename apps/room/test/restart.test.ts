/**
 * Restarts of the room's Durable Object in the middle of a join, driven by real MLS clients
 * (`Committer` over ts-mls) through real in-worker WebSockets: nothing sequenced is lost, and the join
 * completes with every member at the same epoch and epoch authenticator.
 */

import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Committer, type EpochInfo, TsMlsEngine } from "@sealroom/committer";
import { describe, expect, it } from "vitest";
import { type Client, connect, newRoomId } from "./support.ts";

interface Member {
  client: Client;
  committer: Committer<unknown, unknown>;
  info: EpochInfo | null;
}

async function join(room: string): Promise<Member> {
  const client = await connect(room);
  const committer = new Committer(await TsMlsEngine.create()) as Committer<unknown, unknown>;
  const m: Member = { client, committer, info: null };
  // connect() consumed the snapshot from the decoded queue; the raw queue still holds it.
  return m;
}

/** Feeds every frame that arrives to the member's committer until none arrives for `quietMs`. */
async function pump(m: Member, quietMs = 300): Promise<number> {
  let n = 0;
  for (;;) {
    const bytes = await m.client.nextRaw(quietMs);
    if (bytes === null) return n;
    n++;
    for (const a of await m.committer.receive(bytes)) {
      if (a.type === "send") m.client.sendBinary(a.bytes);
      if (a.type === "new-epoch") m.info = a.info;
      if (a.type === "error") throw new Error(`${a.code}: ${a.detail}`);
    }
  }
}

async function settle(members: Member[]): Promise<void> {
  for (let round = 0; round < 20; round++) {
    let moved = 0;
    for (const m of members) moved += await pump(m, 150);
    if (moved === 0) return;
  }
}

function expectSameEpoch(members: Member[], epoch: bigint): void {
  const numbers = members.map((m) => {
    expect(m.committer.inSync).toBe(true);
    expect(m.info?.epoch).toBe(epoch);
    return m.info!.safetyNumber;
  });
  expect(new Set(numbers).size).toBe(1);
}

describe("room Durable Object restarts", () => {
  it("wakes from eviction between a joiner's announcement and the commit and completes the join", async () => {
    const room = newRoomId();
    const stub = env.ROOMS.getByName(room);
    const a = await join(room);
    await settle([a]);
    expect(a.info?.epoch).toBe(0n); // a created the group
    const b = await join(room);
    await pump(b); // b's snapshot -> b sends its key package -> "announced" is sequenced
    const before = await stub.info();
    // The object goes away with the announcement sequenced but before a's commit arrives.
    await evictDurableObject(stub);
    await settle([a, b]);
    expectSameEpoch([a, b], 1n);
    const after = await stub.info();
    expect(after.nextSeq).toBe(before.nextSeq + 1n); // exactly the commit
    expect(after.epoch).toBe(1n);
    // A third member still joins after another eviction, with sockets hibernated meanwhile.
    await evictDurableObject(stub);
    const c = await join(room);
    await settle([a, b, c]);
    expectSameEpoch([a, b, c], 2n);
    for (const m of [a, b, c]) m.client.ws.close(1000, "done");
  });

  it("after a crash that drops every socket, the stored log continues and members rejoin", async () => {
    const room = newRoomId();
    const stub = env.ROOMS.getByName(room);
    const a = await join(room);
    await settle([a]);
    const b = await join(room);
    await pump(b);
    const before = await stub.info();
    await evictDurableObject(stub, { webSockets: "close" });
    await Promise.all([a.client.closed, b.client.closed]);
    // Restart: the stored connections have no socket any more, so both leave; ids are never reused.
    const a2 = await join(room);
    const b2 = await join(room);
    expect([a2.client.me, b2.client.me]).toEqual(["m3", "m4"]);
    const info = await stub.info();
    // m1 leaves; m2, present but never added, is asked to start a new group; then m2 leaves.
    expect(info.nextSeq).toBe(before.nextSeq + 3n);
    expect(info.epoch).toBe(null); // the emptied room forgot its group
    await settle([a2, b2]);
    expectSameEpoch([a2, b2], 1n);
    for (const m of [a2, b2]) m.client.ws.close(1000, "done");
  });
});
