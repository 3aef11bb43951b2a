/** Bindings of the room Worker, as declared in wrangler.jsonc (secrets and optional vars documented in README.md). */
import type { Room } from "./room.ts";
import type { SiteManifests } from "./site-manifests.ts";

export interface Env {
  ROOMS: DurableObjectNamespace<Room>;
  /** The WAICT manifest memory, one object per `WAICT_DOMAIN` (src/site-manifests.ts). */
  MANIFESTS: DurableObjectNamespace<SiteManifests>;
  ASSETS: Fetcher;
  /** Set at deploy time (`--var SEALROOM_COMMIT:<sha>`); empty in local development. */
  SEALROOM_COMMIT: string;
  /** Cloudflare Realtime app id and secret (`wrangler secret put`); without both the client uses the peer mesh. */
  CALLS_APP_ID?: string;
  CALLS_APP_SECRET?: string;
  /** Realtime API base, default `https://rtc.live.cloudflare.com/v1` (tests point it at a local server). */
  CALLS_API_BASE?: string;
  /** Cloudflare TURN key id and API token; without them the ICE servers endpoint returns STUN only. */
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  /** Optional overrides of the room limits (decimal strings), see limits.ts. */
  ROOM_MAX_MEMBERS?: string;
  ROOM_MAX_MESSAGE_BYTES?: string;
  ROOM_MESSAGES_PER_SECOND?: string;
  ROOM_MESSAGE_BURST?: string;
  ROOM_KEY_PACKAGES_PER_MINUTE?: string;
  ROOM_KEY_PACKAGE_BURST?: string;
  ROOM_HEARTBEAT_TIMEOUT_MS?: string;
  /** WAICT (README "Served transparently"): the domain the site is enrolled as; unset = off. */
  WAICT_DOMAIN?: string;
  /** Base URL of the transparency service the site is enrolled in (its `/leaf/<domain>`). */
  WAICT_SERVICE_URL?: string;
  /** The service's epoch length in ms (the cosigned head is re-fetched once per epoch). */
  WAICT_EPOCH_MS?: string;
  /** The site's append key (public vkey text) named in `/.well-known/waict-enroll`. */
  WAICT_APPEND_KEY?: string;
  /** Comma-separated asset hosts for the enrolment document (default: the service URL). */
  WAICT_ASSET_HOSTS?: string;
  /** `max-age` and `mode` of the Integrity-Policy-WAICT-v1 header (default 3600, enforce). */
  WAICT_MAX_AGE?: string;
  WAICT_MODE?: string;
  /** `1` enables the test-only tamper route; never set in production. */
  SEALROOM_TEST_HOOKS?: string;
}
