/**
 * A small, bounded XML reader for machine-written sections (the E57 XML section): elements, attributes, text and
 * CDATA, no DTDs or external entities (so nothing can make it fetch or expand). Depth and node count are capped.
 */

export interface XmlElement {
  name: string;
  attrs: Partial<Record<string, string>>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ent] ?? whole;
  });
}

/** Local name of a possibly prefixed name ("e57:points" -> "points"). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

export function parseXml(src: string, limits: { maxDepth?: number; maxNodes?: number } = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 256;
  const maxNodes = limits.maxNodes ?? 2_000_000;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let nodes = 0;
  let at = 0;
  const line = () => src.slice(0, at).split('\n').length;
  const err = (why: string) => new XmlError(`${why} (line ${line()})`);
  while (at < src.length) {
    const lt = src.indexOf('<', at);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > at) {
      const text = src.slice(at, textEnd);
      if (stack.length) stack[stack.length - 1].text += decode(text);
      else if (text.trim()) throw err('text outside the root element');
    }
    if (lt < 0) break;
    at = lt;
    if (src.startsWith('<?', at)) {
      const end = src.indexOf('?>', at);
      if (end < 0) throw err('unterminated processing instruction');
      at = end + 2;
    } else if (src.startsWith('<!--', at)) {
      const end = src.indexOf('-->', at);
      if (end < 0) throw err('unterminated comment');
      at = end + 3;
    } else if (src.startsWith('<![CDATA[', at)) {
      const end = src.indexOf(']]>', at);
      if (end < 0) throw err('unterminated CDATA');
      if (!stack.length) throw err('CDATA outside the root element');
      stack[stack.length - 1].text += src.slice(at + 9, end);
      at = end + 3;
    } else if (src.startsWith('<!', at)) {
      throw err('DOCTYPE / declarations are not accepted');
    } else if (src.startsWith('</', at)) {
      const end = src.indexOf('>', at);
      if (end < 0) throw err('unterminated end tag');
      const name = src.slice(at + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== local(name)) throw err(`end tag </${name.slice(0, 40)}> does not close <${open?.name ?? ''}>`);
      at = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(src.slice(at, at + 256));
      if (!m) throw err('malformed tag');
      at += m[0].length;
      const el: XmlElement = { name: local(m[1]), attrs: {}, children: [], text: '' };
      if (++nodes > maxNodes) throw err(`more than ${maxNodes} elements`);
      const attrRe = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')|\s*(\/?>)/y;
      for (;;) {
        attrRe.lastIndex = at;
        const a = attrRe.exec(src);
        if (!a) throw err(`malformed attributes in <${el.name}>`);
        at = attrRe.lastIndex;
        if (a[5]) {
          if (stack.length) stack[stack.length - 1].children.push(el);
          else if (root) throw err('second root element');
          else root = el;
          if (a[5] === '>') {
            stack.push(el);
            if (stack.length > maxDepth) throw err(`nesting deeper than ${maxDepth}`);
          }
          break;
        }
        // One of the two quoted forms matched: group 3 ("...") or group 4 ('...').
        el.attrs[local(a[1])] = decode(a.at(3) ?? a[4]);
      }
    }
  }
  if (stack.length) throw new XmlError(`the XML ends inside <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** First child element with this local name. */
export const childNamed = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);
