/**
 * Deterministic randomness for the fake Spotify.
 *
 * Fault decisions, synthetic library ids and playlist ids all come from seeded
 * generators so a failing test can be replayed exactly. Tokens and codes are the
 * exception: they use crypto randomness because nothing should be able to guess them.
 */
import { randomBytes } from "node:crypto";
import { seededRandom as seededRandomFloats } from "../../lib/random";

const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Spotify ids are 22 base62 characters (a 128-bit number). */
export const SPOTIFY_ID_PATTERN = /^[0-9A-Za-z]{22}$/;

export type RandomSource = () => number;

/** mulberry32 (lib/random.ts): floats in [0, 1). */
export function seededRandom(seed: number): RandomSource {
  return seededRandomFloats(seed);
}

/** 32-bit FNV-1a hash of a string, used to derive per-item seeds. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function base62String(random: RandomSource, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62_ALPHABET[Math.floor(random() * 62)];
  return out;
}

/** A stable 22-character Spotify-style id derived from any key (same key, same id). */
export function deterministicSpotifyId(key: string): string {
  return base62String(seededRandom(hashString(key)), 22);
}

/** An unguessable opaque token with a recognisable prefix (e.g. "fake-access-"). */
export function opaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}
