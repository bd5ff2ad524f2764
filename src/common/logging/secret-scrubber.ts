/**
 * Cuts credentials out of text bound for the log. A signed URL is a bearer credential as a whole: the local store's
 * part and download tokens sit in the path, S3's presigned signature in the query.
 */
const RULES: [RegExp, string][] = [
  // The local store's signed part and download URLs: keep the route, drop the token (and anything after it).
  [/(\/v1\/storage\/local\/(?:parts|objects)\/)[^\s"'<>]*/g, '$1[REDACTED]'],
  // Presigned S3 URLs and other signed query strings.
  [/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|token|access_token|api_key|apikey)=)[^&\s"'<>#]*/gi, '$1[REDACTED]'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1[REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[REDACTED JWT]'],
  [/\bmk_[A-Za-z0-9_-]{16,}/g, 'mk_[REDACTED]'],
  // Passwords in connection URLs (postgres://user:password@host).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, '$1[REDACTED]@'],
];

export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of RULES) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

const MAX_DEPTH = 6;

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * scrubSecrets over every string of a log line's plain data (a serialized error's message and stack, URLs, nested
 * fields), copying what it changes. Class instances (requests, responses, errors before their serializer) are left
 * to their serializers.
 */
export function scrubSecretsDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubSecrets(value) as T;
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubSecretsDeep(item, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubSecretsDeep(item, depth + 1);
  return copy as T;
}

/** A serialized error (pino's, whose prototype is not a plain object's) as plain data, scrubbed. */
export function scrubSerializedError(error: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(error)) {
    copy[key] =
      key === 'aggregateErrors' && Array.isArray(item)
        ? item.map((inner: unknown) => (typeof inner === 'object' && inner !== null ? scrubSerializedError(inner) : inner))
        : scrubSecretsDeep(item);
  }
  return copy;
}
