import type { NextFunction, Request, Response } from 'express';
import { CommonErrorCode, CommonException } from './errors/common.exception.js';

/**
 * Deepest nesting a JSON body may have. Our own bodies nest 4 levels at most and Stripe's events about 8; past this
 * the validation that follows (class-transformer recurses) would run out of stack on a hostile body.
 */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its other half (not text in any encoding). */
function isUnsafeText(text: string): boolean {
  return text.includes('\0') || LONE_SURROGATE.test(text);
}

/** Whether a parsed JSON value nests arrays and objects more than `max` levels deep; iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null || ArrayBuffer.isView(item.value)) continue;
    const depth = item.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth });
  }
  return false;
}

function childPath(parent: string, key: string, isArray: boolean): string {
  if (isArray) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * The path (`title`, `items[2].deviceId`) of the first string, or property name, holding a NUL or a lone surrogate;
 * null when there is none. `root` names the value itself when it is a bare string (a single query or path parameter).
 */
export function unsafeTextPath(value: unknown, root = ''): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.value === 'string') {
      if (isUnsafeText(item.value)) return item.path || 'value';
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null || ArrayBuffer.isView(item.value)) continue;
    const isArray = Array.isArray(item.value);
    for (const [key, child] of Object.entries(item.value)) {
      const path = childPath(item.path, key, isArray);
      if (isUnsafeText(key)) return `${item.path || 'body'} (a property name)`;
      stack.push({ value: child, path });
    }
  }
  return null;
}

export function unsafeTextException(path: string): CommonException {
  return new CommonException(
    CommonErrorCode.VALIDATION_FAILED,
    `${path} must not contain NUL characters or unpaired UTF-16 surrogates (\\u0000, \\uD800-\\uDFFF alone)`,
  );
}

/** Express middleware after the JSON parser: a body nested deeper than MAX_JSON_DEPTH is a 400 before anything reads it. */
export function rejectDeepJsonBodies() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
      next(new CommonException(CommonErrorCode.BODY_TOO_DEEP, `Request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    next();
  };
}
