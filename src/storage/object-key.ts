import { StorageErrorCode, StorageException } from './storage.exception.js';

const MAX_KEY_LENGTH = 1024; // S3's limit, in bytes; the allowed characters are all one byte
const MAX_SEGMENT_LENGTH = 255; // a file name on common file systems
// Letters, digits and a few punctuation marks that mean nothing to shells, URLs or file systems. A segment may not
// start with a dot: that rules out "." and ".." and keeps the local store's own ".uploads" and ".tmp" out of reach.
const SEGMENT = /^[A-Za-z0-9_\-()!=+,@~][A-Za-z0-9._\-()!=+,@~]*$/;

/**
 * Refuses keys that could escape the local store's root or mean different things on different stores. Both adapters
 * apply it, so a key that works on local files also works on S3 and the other way round.
 */
export function assertValidObjectKey(key: string): void {
  const problem = describeKeyProblem(key);
  if (problem) throw new StorageException(StorageErrorCode.INVALID_KEY, `Invalid object key ${JSON.stringify(key)}: ${problem}`);
}

/** For callers that take keys from outside (network batches) and prefer rejecting an item to throwing. */
export function isValidObjectKey(key: string): boolean {
  return describeKeyProblem(key) === null;
}

function describeKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (key.length > MAX_KEY_LENGTH) return `it is longer than ${MAX_KEY_LENGTH} characters`;
  for (const segment of key.split('/')) {
    if (segment.length === 0) return 'it must be relative, without empty segments ("/a", "a//b", "a/")';
    if (segment.length > MAX_SEGMENT_LENGTH) return `a segment is longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (!SEGMENT.test(segment)) {
      return 'segments take letters, digits and . _ - ( ) ! = + , @ ~, and may not start with a dot';
    }
  }
  return null;
}

/** The last segment of a key: the default download name. */
export function keyBasename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * `attachment` with both an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 8187), so any file name survives
 * and none can inject a header (control characters, quotes and backslashes never reach the quoted form).
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
