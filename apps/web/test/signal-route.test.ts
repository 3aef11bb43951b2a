/**
 * Routing a mesh signal to a connection by generation (`src/engine/signal-route.ts`), including the
 * schedule seen in a room of six on a loaded machine: an answer made for a connection the watchdog had
 * replaced reached the new connection.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routeSignal } from "../src/engine/signal-route.ts";

const drop = { restart: false, deliver: false };
const deliver = { restart: false, deliver: true };

describe("routeSignal", () => {
  it("hands a first signal to a new connection", () => {
    expect(routeSignal(undefined, undefined, { gen: 7, offer: true })).toEqual(deliver);
    expect(routeSignal({ gen: 1, remoteGen: null }, undefined, { gen: 7, offer: true })).toEqual(deliver);
    // A client that sends no generations at all is still served.
    expect(routeSignal({ gen: 1, remoteGen: 7 }, undefined, { offer: false })).toEqual(deliver);
  });

  it("drops an answer for a connection of ours that was replaced (the watchdog's race)", () => {
    // Ours: gen 1 offered; the remote's gen 9 answered it late; our watchdog had replaced 1 by 2 meanwhile.
    expect(routeSignal({ gen: 2, remoteGen: null }, undefined, { gen: 9, to: 1, offer: false })).toEqual(
      drop,
    );
    // Its candidates too, and when we hold no connection at all.
    expect(routeSignal({ gen: 2, remoteGen: 9 }, undefined, { gen: 9, to: 1, offer: false })).toEqual(drop);
    expect(routeSignal(undefined, undefined, { gen: 9, to: 1, offer: false })).toEqual(drop);
  });

  it("delivers what is addressed to the current connection", () => {
    expect(routeSignal({ gen: 2, remoteGen: null }, undefined, { gen: 9, to: 2, offer: false })).toEqual(
      deliver,
    );
    expect(routeSignal({ gen: 2, remoteGen: 9 }, undefined, { gen: 9, to: 2, offer: true })).toEqual(deliver);
  });

  it("drops a signal of a dead remote generation, whatever it is addressed to", () => {
    const dead = new Set([9]);
    expect(routeSignal({ gen: 2, remoteGen: null }, dead, { gen: 9, to: 2, offer: false })).toEqual(drop);
    expect(routeSignal(undefined, dead, { gen: 9, offer: true })).toEqual(drop);
  });

  it("starts over when the sender did, and hands over only what a new connection can take", () => {
    const cur = { gen: 2, remoteGen: 9 };
    // A fresh remote connection that has not heard from us: its offer (and what follows) is for anyone.
    expect(routeSignal(cur, undefined, { gen: 10, offer: true })).toEqual({ restart: true, deliver: true });
    expect(routeSignal(cur, undefined, { gen: 10, offer: false })).toEqual({ restart: true, deliver: true });
    // A remote connection made for our current one: its offer can be taken, its answer cannot.
    expect(routeSignal(cur, undefined, { gen: 10, to: 2, offer: true })).toEqual({
      restart: true,
      deliver: true,
    });
    expect(routeSignal(cur, undefined, { gen: 10, to: 2, offer: false })).toEqual({
      restart: true,
      deliver: false,
    });
  });

  it("never delivers a signal addressed to another connection, nor one of a dead generation", () => {
    const gen = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(
        fc.option(fc.record({ gen, remoteGen: fc.option(gen) }), { nil: undefined }),
        fc.uniqueArray(gen, { maxLength: 3 }),
        fc.option(gen, { nil: undefined }),
        fc.option(gen, { nil: undefined }),
        fc.boolean(),
        (current, deadList, sGen, to, offer) => {
          const dead = new Set(deadList);
          const r = routeSignal(current, dead, { gen: sGen, to, offer });
          if (sGen !== undefined && dead.has(sGen)) expect(r).toEqual(drop);
          if (to !== undefined && to !== current?.gen) expect(r).toEqual(drop);
          // A restart needs a connection to replace and a sender that is not the one it talks to.
          if (r.restart) {
            expect(current?.remoteGen).not.toBeNull();
            expect(sGen).not.toBe(current?.remoteGen);
          }
          // Without a restart, a delivered signal is from the remote generation we talk to (or the first).
          if (r.deliver && !r.restart && current && current.remoteGen !== null && sGen !== undefined)
            expect(sGen).toBe(current.remoteGen);
        },
      ),
    );
  });
});
