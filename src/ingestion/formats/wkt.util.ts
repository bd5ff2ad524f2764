/**
 * Just enough of OGC WKT (1 and 2) to say what a CRS is: its kind, name and the EPSG code of the CRS itself
 * (the AUTHORITY / ID that is a direct child of the root, not the last one in the text, which is often a unit's).
 */

export interface WktNode {
  keyword: string;
  args: Array<string | number | WktNode>;
}

export interface CrsSummary {
  kind: 'projected' | 'geographic' | 'geocentric' | 'compound' | 'vertical' | 'engineering' | 'unknown';
  name?: string;
  epsg?: number;
  /** Of the horizontal part of a compound CRS. */
  horizontalEpsg?: number;
  verticalEpsg?: number;
}

const MAX_WKT_CHARS = 256 * 1024;
const MAX_DEPTH = 64;

/** Parses a WKT string; undefined when it is not well-formed. */
export function parseWkt(text: string): WktNode | undefined {
  const src = text.replace(/\0[\s\S]*$/, '').trim();
  if (!src || src.length > MAX_WKT_CHARS) return undefined;
  let at = 0;
  const stack: WktNode[] = [];
  let root: WktNode | undefined;
  const skipWs = () => {
    while (at < src.length && /\s/.test(src[at])) at++;
  };
  const closeRun = (): boolean => {
    // After a value or a closed node: a comma, or closing brackets (each closes one node).
    skipWs();
    if (src[at] === ',') {
      at++;
      return true;
    }
    while (src[at] === ']' || src[at] === ')') {
      at++;
      stack.pop();
      if (!stack.length) return true;
      skipWs();
      if (src[at] === ',') {
        at++;
        return true;
      }
    }
    return false;
  };
  while (at < src.length && (stack.length || !root)) {
    skipWs();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(at, at + 64));
    if (src[at] === '"') {
      let end = at + 1;
      let out = '';
      for (;;) {
        const q = src.indexOf('"', end);
        if (q < 0) return undefined;
        out += src.slice(end, q);
        if (src[q + 1] === '"') {
          out += '"'; // "" is an escaped quote
          end = q + 2;
        } else {
          end = q + 1;
          break;
        }
      }
      at = end;
      if (!stack.length) return undefined;
      stack[stack.length - 1].args.push(out);
    } else if (m) {
      at += m[0].length;
      skipWs();
      if (src[at] === '[' || src[at] === '(') {
        at++;
        const node: WktNode = { keyword: m[0].toUpperCase(), args: [] };
        if (stack.length) stack[stack.length - 1].args.push(node);
        else if (root) return undefined;
        else root = node;
        stack.push(node);
        if (stack.length > MAX_DEPTH) return undefined;
        skipWs();
        if (src[at] !== ']' && src[at] !== ')') continue; // parse its first argument
        at++;
        stack.pop(); // empty node, e.g. X[]
        if (!stack.length) break;
      } else {
        if (!stack.length) return undefined;
        stack[stack.length - 1].args.push(m[0]); // bare enum such as NORTH
      }
    } else {
      const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(at, at + 64));
      if (!num || !stack.length) return undefined;
      stack[stack.length - 1].args.push(Number(num[0]));
      at += num[0].length;
    }
    if (!closeRun()) return undefined;
  }
  skipWs();
  if (at < src.length) return undefined; // text after the root node
  return root && !stack.length ? root : undefined;
}

const KINDS: Array<[RegExp, CrsSummary['kind']]> = [
  [/^(PROJCS|PROJCRS|PROJECTEDCRS)$/, 'projected'],
  [/^(GEOGCS|GEOGCRS|GEOGRAPHICCRS|GEODCRS|GEODETICCRS)$/, 'geographic'],
  [/^GEOCCS$/, 'geocentric'],
  [/^(COMPD_CS|COMPOUNDCRS)$/, 'compound'],
  [/^(VERT_CS|VERTCRS|VERTICALCRS)$/, 'vertical'],
  [/^(LOCAL_CS|ENGCRS|ENGINEERINGCRS)$/, 'engineering'],
];

/** A WKT argument as text: a quoted string or number as written, a nested node by its keyword. */
function argText(arg: WktNode['args'][number] | undefined): string {
  if (arg === undefined) return '';
  return typeof arg === 'object' ? arg.keyword : String(arg);
}

function ownEpsg(node: WktNode): number | undefined {
  for (const arg of node.args) {
    if (typeof arg === 'object' && (arg.keyword === 'AUTHORITY' || arg.keyword === 'ID') && argText(arg.args[0]).toUpperCase() === 'EPSG') {
      const code = Number(arg.args[1]);
      if (Number.isInteger(code) && code > 0) return code;
    }
  }
  return undefined;
}

function summarise(node: WktNode): CrsSummary {
  let kind = KINDS.find(([re]) => re.test(node.keyword))?.[1] ?? 'unknown';
  // WKT2 GEODCRS with a Cartesian CS is geocentric, not geographic.
  if (kind === 'geographic' && node.keyword.startsWith('GEOD')) {
    const cs = node.args.find((a): a is WktNode => typeof a === 'object' && a.keyword === 'CS');
    if (cs && argText(cs.args[0]).toLowerCase() === 'cartesian') kind = 'geocentric';
  }
  const out: CrsSummary = { kind };
  if (typeof node.args[0] === 'string') out.name = node.args[0];
  const epsg = ownEpsg(node);
  if (epsg) out.epsg = epsg;
  return out;
}

/** Kind, name and EPSG code of a WKT CRS; for compound CRSs also of the horizontal and vertical parts. */
export function describeWkt(text: string): CrsSummary | undefined {
  const root = parseWkt(text);
  if (!root) return undefined;
  const out = summarise(root);
  if (out.kind === 'compound') {
    for (const part of root.args) {
      if (typeof part !== 'object') continue;
      const p = summarise(part);
      if ((p.kind === 'projected' || p.kind === 'geographic') && p.epsg) out.horizontalEpsg = p.epsg;
      if (p.kind === 'vertical' && p.epsg) out.verticalEpsg = p.epsg;
    }
  }
  return out;
}
