/**
 * A cheap, linear scan of XML text before it reaches the real parser: counts elements,
 * measures nesting and remembers where each start tag is, so that parser messages can
 * be traced back to an element id. It does not validate; malformed input is left to
 * the parser.
 */

export interface ScannedTag {
  /** Offset of the `<`. */
  start: number;
  /** Offset of the closing `>` (or the end of the text). */
  end: number;
  /** Index of the enclosing tag, -1 for the root. */
  parent: number;
}

export interface PrescanLimits {
  maxElements: number;
  maxDepth: number;
}

export type PrescanResult =
  | { ok: true; tags: ScannedTag[]; elements: number; maxDepth: number }
  | { ok: false; reason: 'elements' | 'depth'; elements: number; depth: number; offset: number };

export function prescanXml(xml: string, limits: PrescanLimits): PrescanResult {
  const tags: ScannedTag[] = [];
  const stack: number[] = [];
  const n = xml.length;
  let deepest = 0;
  let i = 0;

  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);

    if (xml.startsWith('<!--', lt)) {
      const close = xml.indexOf('-->', lt + 4);
      if (close === -1) break;
      i = close + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close === -1) break;
      i = close + 3;
      continue;
    }
    if (next === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      if (close === -1) break;
      i = close + 2;
      continue;
    }
    if (next === 0x21 /* ! */) {
      const close = xml.indexOf('>', lt + 2);
      if (close === -1) break;
      i = close + 1;
      continue;
    }
    if (next === 0x2f /* / */) {
      const close = xml.indexOf('>', lt + 2);
      stack.pop();
      if (close === -1) break;
      i = close + 1;
      continue;
    }

    // a start tag: find its end, skipping quoted attribute values
    let k = lt + 1;
    let end = -1;
    while (k < n) {
      const c = xml.charCodeAt(k);
      if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        const closeQuote = xml.indexOf(c === 0x22 ? '"' : "'", k + 1);
        if (closeQuote === -1) {
          k = n;
          break;
        }
        k = closeQuote + 1;
        continue;
      }
      if (c === 0x3e /* > */) {
        end = k;
        break;
      }
      k++;
    }

    const index = tags.length;
    tags.push({ start: lt, end: end === -1 ? n : end, parent: stack.length ? stack[stack.length - 1] : -1 });
    if (tags.length > limits.maxElements) {
      return { ok: false, reason: 'elements', elements: tags.length, depth: stack.length, offset: lt };
    }
    const selfClosing = end !== -1 && xml.charCodeAt(end - 1) === 0x2f; /* / */
    if (!selfClosing) {
      stack.push(index);
      if (stack.length > deepest) deepest = stack.length;
      if (stack.length > limits.maxDepth) {
        return { ok: false, reason: 'depth', elements: tags.length, depth: stack.length, offset: lt };
      }
    }
    if (end === -1) break;
    i = end + 1;
  }

  return { ok: true, tags, elements: tags.length, maxDepth: deepest };
}

/** Offset of a 0-based line and column as reported by the parser. */
export function offsetOf(xml: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = xml.indexOf('\n', offset);
    if (nl === -1) return xml.length;
    offset = nl + 1;
  }
  return Math.min(offset + Math.max(0, column), xml.length);
}

/** 1-based line number of an offset. */
export function lineOf(xml: string, offset: number): number {
  let line = 1;
  let pos = xml.indexOf('\n');
  while (pos !== -1 && pos < offset) {
    line++;
    pos = xml.indexOf('\n', pos + 1);
  }
  return line;
}

const ID_ATTRIBUTE = /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/;

function idOfTag(xml: string, tag: ScannedTag): string | undefined {
  const m = ID_ATTRIBUTE.exec(xml.slice(tag.start, tag.end + 1));
  const id = m ? (m[1] ?? m[2]) : undefined;
  return id && id.trim() !== '' ? id.trim() : undefined;
}

/**
 * The tag that starts at (or most closely before) an offset, with its own id and the id
 * of the nearest enclosing element that has one.
 */
export function tagAt(
  xml: string,
  tags: ScannedTag[],
  offset: number,
): { name: string; ownId?: string; ownerId?: string } | undefined {
  let lo = 0;
  let hi = tags.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tags[mid].start <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found === -1) return undefined;
  const tag = tags[found];
  const nameMatch = /^<([^\s/>]+)/.exec(xml.slice(tag.start, Math.min(tag.end + 1, tag.start + 200)));
  const ownId = idOfTag(xml, tag);
  let ownerId: string | undefined;
  for (let p = tag.parent, guard = 0; p !== -1 && guard < 10_000; p = tags[p].parent, guard++) {
    ownerId = idOfTag(xml, tags[p]);
    if (ownerId) break;
  }
  return { name: nameMatch ? nameMatch[1] : '?', ownId, ownerId };
}
