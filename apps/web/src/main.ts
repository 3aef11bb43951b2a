/**
 * Sealroom's web client: `/` is the landing page (create or join a room), `/r/<room>?suite=<n>` the
 * lobby and then the call. Plain TypeScript and DOM, no UI library (see README).
 */
import "./ui/styles.css";
import { parseInvite } from "./invite.ts";
import { mountCall, prepareCall } from "./ui/call-view.ts";
import { byId } from "./ui/dom.ts";
import { mountLanding } from "./ui/landing.ts";
import { mountLobby } from "./ui/lobby.ts";

const root = byId("app");
const invite = parseInvite(location);
if (invite === null) mountLanding(root);
else if ("error" in invite) mountLanding(root, invite.error);
else {
  // The call engine prepares while the person is in the lobby (workers, ts-mls, room socket, key package).
  const call = prepareCall(invite.room, invite.suite);
  mountLobby(root, invite.room, invite.suite, (lobby) => mountCall(root, call, lobby), call);
}
