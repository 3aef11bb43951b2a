/**
 * Real ts-mls groups (suite 1) for the tests that key frames from MLS: one founder adds the others in a
 * single commit and they join from its Welcome.
 */
import {
  type CiphersuiteImpl,
  type ClientState,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
} from "ts-mls";

export type MlsCommit = Awaited<ReturnType<typeof createCommit>>["commit"];

export function suite1(): Promise<CiphersuiteImpl> {
  return getCiphersuiteImpl(getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"));
}

/** A key package with a basic credential naming `name`. */
export function keyPackageOf(name: string, impl: CiphersuiteImpl) {
  return generateKeyPackage(
    { credentialType: "basic", identity: new TextEncoder().encode(name) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    impl,
  );
}

/** A group `groupId` at epoch 1: `names[0]` founds it and adds the rest; states in the order of `names`. */
export async function groupOf(
  groupId: string,
  names: string[],
  impl: CiphersuiteImpl,
): Promise<ClientState[]> {
  const [first, ...rest] = await Promise.all(names.map((n) => keyPackageOf(n, impl)));
  if (first === undefined) throw new Error("a group needs a founder");
  const founder = await createGroup(
    new TextEncoder().encode(groupId),
    first.publicPackage,
    first.privatePackage,
    [],
    impl,
  );
  const add = await createCommit(
    { state: founder, cipherSuite: impl },
    { extraProposals: rest.map((kp) => ({ proposalType: "add", add: { keyPackage: kp.publicPackage } })) },
  );
  const welcome = add.welcome;
  if (welcome === undefined) throw new Error("no welcome");
  const joined = await Promise.all(
    rest.map((kp) =>
      joinGroup(welcome, kp.publicPackage, kp.privatePackage, emptyPskIndex, impl, add.newState.ratchetTree),
    ),
  );
  return [add.newState, ...joined];
}

/** `state` after processing another member's (private) commit. */
export async function applyCommit(state: ClientState, commit: MlsCommit, impl: CiphersuiteImpl) {
  if (commit.wireformat !== "mls_private_message") throw new Error("expected a private commit");
  const r = await processPrivateMessage(state, commit.privateMessage, emptyPskIndex, impl);
  if (r.kind !== "newState") throw new Error("expected a new state");
  return r.newState;
}
