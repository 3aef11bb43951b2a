/**
 * KIDs for an MLS-keyed SFrame session, RFC 9605 §5.2:
 *
 *   KID = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E))
 *
 * E (epoch bits) is an application choice; Sealroom uses E = 4 (as the RFC's example), so 16 epochs can
 * be told apart while we only ever keep two (current + previous in its grace period), and KIDs stay short
 * (the header is part of the per-frame overhead budget).
 *
 * S: the RFC says "the smallest value such that group_size <= (1 << S)". MLS leaf indices can be sparse
 * (blank leaves after a Remove), so Sealroom takes the smallest S with (max leaf index + 1) <= (1 << S);
 * it covers every member's index and equals the RFC's rule for a dense tree. Every member computes S from
 * the same roster, so sender and receivers agree. S is at least 0 (a one-member group has S = 0).
 *
 * context: Sealroom gives each outbound stream of a sender its own context (0 = audio, 1 = camera, ...),
 * so each stream has its own KID, CTR sequence and replay window ("multiple, uncoordinated outbound media
 * streams", §5.2).
 */

export const DEFAULT_EPOCH_BITS = 4;

/** S for a roster: bits needed for every leaf index in `leaves`. */
export function senderIndexBits(leaves: readonly number[]): number {
  let max = 0;
  for (const l of leaves) if (l > max) max = l;
  let s = 0;
  while (max + 1 > 2 ** s) s++;
  return s;
}

export interface MlsKidParts {
  readonly context: bigint;
  readonly senderIndex: number;
  readonly epochLow: number;
}

/** Builds a KID; throws RangeError when a part does not fit its field or the KID exceeds 64 bits. */
export function encodeMlsKid(
  context: bigint,
  senderIndex: number,
  epoch: bigint,
  indexBits: number,
  epochBits: number = DEFAULT_EPOCH_BITS,
): bigint {
  if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex >= 2 ** indexBits) {
    throw new RangeError(`"senderIndex" ${senderIndex} does not fit in ${indexBits} bits`);
  }
  if (context < 0n) throw new RangeError(`"context" must be >= 0`);
  const e = BigInt(epochBits);
  const kid = (context << (BigInt(indexBits) + e)) + (BigInt(senderIndex) << e) + (epoch & ((1n << e) - 1n));
  if (kid >= 1n << 64n) throw new RangeError(`KID does not fit in 64 bits`);
  return kid;
}

/** Splits a KID into its parts for a given (S, E). */
export function decodeMlsKid(
  kid: bigint,
  indexBits: number,
  epochBits: number = DEFAULT_EPOCH_BITS,
): MlsKidParts {
  const e = BigInt(epochBits);
  const s = BigInt(indexBits);
  return {
    epochLow: Number(kid & ((1n << e) - 1n)),
    senderIndex: Number((kid >> e) & ((1n << s) - 1n)),
    context: kid >> (s + e),
  };
}
