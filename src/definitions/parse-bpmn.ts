/**
 * Deploy-time parsing of BPMN XML with bpmn-moddle and the Camunda 8 (zeebe)
 * extensions. Unsafe or oversized input is refused before the parser sees it, and every
 * moddle warning becomes an error: bpmn-moddle silently drops unknown elements and
 * duplicate ids, and an unresolved reference makes the engine hang.
 */
import { BpmnModdle, type ModdleParseWarning } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

import type { ModdleElement } from './lint/rule-utils.js';
import { problem, type Problem } from './problem.js';
import { lineOf, offsetOf, prescanXml, tagAt, type ScannedTag } from './xml-prescan.js';

export const PARSE_LIMITS = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxElements: 10_000,
  maxDepth: 100,
});

export interface ParseResult {
  /** The `bpmn:Definitions` root, or null when the input was refused or is not BPMN. */
  definitions: ModdleElement | null;
  /**
   * Everything wrong with the input. All are errors except a harmless declared encoding
   * other than UTF-8 (a warning). Empty when the file parsed cleanly.
   */
  warnings: Problem[];
}

/** Rule ids of parse problems. */
export const PARSE_RULES = Object.freeze({
  input: 'parse/input',
  unsafe: 'parse/unsafe-xml',
  size: 'parse/too-large',
  xml: 'parse/xml',
  encoding: 'parse/encoding',
  unknownElement: 'parse/unknown-element',
  unknownAttribute: 'parse/unknown-attribute',
  duplicateId: 'parse/duplicate-id',
  unresolvedReference: 'parse/unresolved-reference',
  other: 'parse/warning',
});

let moddle: BpmnModdle | undefined;

function getModdle(): BpmnModdle {
  moddle ??= new BpmnModdle({ zeebe: zeebeDescriptor });
  return moddle;
}

/** UTF-8 size without allocating a buffer; stops counting once over the limit. */
function utf8Length(text: string, stopAbove: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const UNSAFE_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

function refuse(warnings: Problem[]): ParseResult {
  return { definitions: null, warnings };
}

/** Refusals that need no parsing. Null when the text may be parsed. */
function precheck(xml: unknown): Problem | null {
  if (typeof xml !== 'string') {
    return problem(PARSE_RULES.input, null, 'No BPMN file was received (the content is not text). Send the BPMN XML of the diagram.');
  }
  if (xml.trim() === '') {
    return problem(PARSE_RULES.input, null, 'The BPMN file is empty. Send the BPMN XML of the diagram.');
  }
  if (xml.length > PARSE_LIMITS.maxBytes || utf8Length(xml, PARSE_LIMITS.maxBytes) > PARSE_LIMITS.maxBytes) {
    return problem(
      PARSE_RULES.size,
      null,
      `The BPMN file is larger than ${PARSE_LIMITS.maxBytes / (1024 * 1024)} MB. Split the process into smaller processes or remove embedded content.`,
    );
  }
  const unsafe = UNSAFE_DECLARATION.exec(xml);
  if (unsafe) {
    return problem(
      PARSE_RULES.unsafe,
      null,
      `The file contains a <!${unsafe[1].toUpperCase()} declaration (line ${lineOf(xml, unsafe.index)}). Samenspel refuses document type and entity declarations for safety; remove it (diagrams exported by a BPMN editor do not need one).`,
    );
  }
  return null;
}

interface ParserLocation {
  line: number;
  column: number;
  data: string;
  nested: string;
}

/** Reads `unparsable content <x> detected\n\tline: 3\n\tcolumn: 4\n\tnested error: ...`. */
function parseParserMessage(message: string): ParserLocation | null {
  const m = /unparsable content ([\s\S]*?) ?detected\s+line: (\d+)\s+column: (\d+)\s+nested error: ([\s\S]*)$/.exec(message);
  if (!m) return null;
  return { data: m[1].trim(), line: Number(m[2]), column: Number(m[3]), nested: m[4].trim() };
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function describeElement(el: ModdleParseWarning['element']): string {
  if (!el) return 'An element';
  const type = typeof el.$type === 'string' ? el.$type : 'element';
  return typeof el.id === 'string' && el.id ? `${type} "${el.id}"` : type;
}

function warningToProblem(xml: string, tags: ScannedTag[], warning: ModdleParseWarning): Problem {
  const message = typeof warning.message === 'string' ? warning.message : String(warning.message);
  const elementId = warning.element && typeof warning.element.id === 'string' && warning.element.id ? warning.element.id : null;

  const unresolved = /^unresolved reference <(.*)>$/.exec(message);
  if (unresolved) {
    const property = typeof warning.property === 'string' ? warning.property.replace(/^bpmn:/, '') : 'a reference';
    return problem(
      PARSE_RULES.unresolvedReference,
      elementId,
      `${describeElement(warning.element)} refers to "${unresolved[1]}" (${property}), but no element has that id. Point it at an existing element or remove the reference.`,
    );
  }

  const encoding = /^unsupported document encoding <(.*)>/.exec(message);
  if (encoding) {
    // The XML arrives as text that the caller already decoded, so the declared encoding
    // no longer applies. Only characters that could not be decoded are a real problem.
    if (xml.includes('\uFFFD')) {
      return problem(
        PARSE_RULES.encoding,
        null,
        `The file declares the encoding ${encoding[1]} and contains characters that were not decoded correctly. Save the diagram as UTF-8 and upload it again.`,
      );
    }
    return problem(
      PARSE_RULES.encoding,
      null,
      `The file declares the encoding ${encoding[1]}; Samenspel reads diagrams as UTF-8 text. Its text came through intact, but save the diagram as UTF-8 to be safe.`,
      'warning',
    );
  }

  const unknownAttribute = /^unknown attribute <(.*)>$/.exec(message);
  if (unknownAttribute) {
    return problem(
      PARSE_RULES.unknownAttribute,
      elementId,
      `${describeElement(warning.element)} has the attribute "${unknownAttribute[1]}", which is not part of BPMN or the Zeebe extensions. Remove it or correct its name.`,
    );
  }

  const location = parseParserMessage(message);
  if (location) {
    const line = location.line + 1;
    const tag = tagAt(xml, tags, offsetOf(xml, location.line, location.column));
    const duplicate = /^duplicate ID <(.*)>$/.exec(location.nested);
    if (duplicate) {
      return problem(
        PARSE_RULES.duplicateId,
        duplicate[1],
        `The id "${duplicate[1]}" is used by more than one element (again on line ${line}); the second one would be dropped. Give every element its own id.`,
      );
    }
    const unknownType = /^(?:unknown type|unrecognized element|unexpected element) <(.*)>$/.exec(location.nested);
    const tagName = tag?.name ?? location.data.replace(/^<|>$/g, '');
    if (unknownType) {
      const inside = !tag?.ownId && tag?.ownerId ? ` inside "${tag.ownerId}"` : '';
      return problem(
        PARSE_RULES.unknownElement,
        tag?.ownId ?? tag?.ownerId ?? null,
        `The element <${tagName}> on line ${line}${inside} is not known BPMN or Zeebe vocabulary (${unknownType[1]}), so it would be silently left out. Remove it or correct its name.`,
      );
    }
    return problem(
      PARSE_RULES.other,
      tag?.ownId ?? tag?.ownerId ?? null,
      `The element <${tagName}> on line ${line} could not be read: ${location.nested}. Correct it in the editor or in the XML.`,
    );
  }

  return problem(
    PARSE_RULES.other,
    elementId,
    `${elementId ? `${describeElement(warning.element)}: ` : ''}${firstLine(message)}. Correct the diagram so that it reads without warnings.`,
  );
}

function malformed(xml: string, err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  const location = parseParserMessage(message);
  if (location) {
    const near = location.data ? ` near ${location.data.length > 60 ? `${location.data.slice(0, 59)}…` : location.data}` : '';
    return problem(
      PARSE_RULES.xml,
      null,
      `The file is not well-formed XML: ${location.nested} at line ${location.line + 1}, column ${location.column + 1}${near}. Fix the XML, or export the diagram again from the editor.`,
    );
  }
  if (/failed to parse document as <bpmn:Definitions>/.test(message)) {
    return problem(
      PARSE_RULES.xml,
      null,
      'The file is XML but not a BPMN 2.0 diagram: its root element must be <bpmn:definitions> in the namespace http://www.omg.org/spec/BPMN/20100524/MODEL.',
    );
  }
  return problem(PARSE_RULES.xml, null, `The file could not be read as BPMN: ${firstLine(message)}. Fix the XML, or export the diagram again from the editor.`);
}

/**
 * Parses BPMN XML (with the zeebe extensions). Never throws: everything that is wrong
 * with the input comes back in `warnings`, and `definitions` is null when the input
 * was refused or could not be read.
 */
export async function parseBpmn(xml: string): Promise<ParseResult> {
  try {
    const refused = precheck(xml);
    if (refused) return refuse([refused]);

    const scan = prescanXml(xml, PARSE_LIMITS);
    if (!scan.ok) {
      return refuse([
        scan.reason === 'elements'
          ? problem(
              PARSE_RULES.size,
              null,
              `The file has more than ${PARSE_LIMITS.maxElements.toLocaleString('en')} XML elements. Split the process into smaller processes.`,
            )
          : problem(
              PARSE_RULES.size,
              null,
              `The XML is nested more than ${PARSE_LIMITS.maxDepth} levels deep (line ${lineOf(xml, scan.offset)}). Flatten the diagram, for example by moving deeply nested sub-processes into their own processes.`,
            ),
      ]);
    }

    let result;
    try {
      result = await getModdle().fromXML(xml, 'bpmn:Definitions');
    } catch (err) {
      return refuse([malformed(xml, err)]);
    }

    const definitions = (result.rootElement ?? null) as ModdleElement | null;
    const warnings = (Array.isArray(result.warnings) ? result.warnings : []).map((w) => warningToProblem(xml, scan.tags, w));
    if (!definitions) {
      warnings.push(malformed(xml, new Error('failed to parse document as <bpmn:Definitions>')));
    }
    if (definitions) linkSequenceFlows(definitions);
    return { definitions, warnings };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return refuse([problem(PARSE_RULES.xml, null, `The file could not be read as BPMN (${firstLine(reason)}). Fix the XML, or export the diagram again from the editor.`)]);
  }
}

/**
 * Fills `incoming`/`outgoing` of flow nodes from the sequence flows when the file does
 * not list them (hand-written XML and some tools leave them out; the engine follows the
 * flows themselves). Without this, bpmnlint would call every element disconnected.
 */
function linkSequenceFlows(node: ModdleElement): void {
  const containers: ModdleElement[] = [node];
  while (containers.length) {
    const container = containers.pop()!;
    for (const child of [...((container as any).rootElements ?? []), ...((container as any).flowElements ?? [])] as any[]) {
      if (child?.flowElements || child?.rootElements) containers.push(child);
      if (child?.$type !== 'bpmn:SequenceFlow') continue;
      const { sourceRef, targetRef } = child;
      if (sourceRef) {
        sourceRef.outgoing ??= [];
        if (!sourceRef.outgoing.includes(child)) sourceRef.outgoing.push(child);
      }
      if (targetRef) {
        targetRef.incoming ??= [];
        if (!targetRef.incoming.includes(child)) targetRef.incoming.push(child);
      }
    }
  }
}
