/** Where verified bytes live: keyed by their SHA-256, written by the marketplace only, never changed once there. */
export const CONTENT_KEY_PREFIX = 'objects/sha256/';
/** Private copies of staged objects while they are verified: nobody but the marketplace writes under `objects/`. */
export const INCOMING_PREFIX = 'objects/incoming/';
/** Prefixes of the keys the marketplace itself writes (verified objects, uploads); no network's staging area lies under them. */
export const RESERVED_KEY_PREFIXES = ['objects/', 'captures/'] as const;

/** The content-addressed key of bytes with this SHA-256 (lowercase hex). */
export function contentKeyFor(sha256: string): string {
  return `${CONTENT_KEY_PREFIX}${sha256}`;
}
