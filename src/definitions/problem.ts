/**
 * A problem found while parsing or validating a BPMN definition. Browser-safe: the
 * editor shows the same problems as the deploy API.
 */
export interface Problem {
  /** The id of the element the problem is about, or null for the whole file. */
  elementId: string | null;
  /** The rule that found it, e.g. `samenspel/form-exists`, `label-required`, `parse/xml`. */
  rule: string;
  /** Plain English: what is wrong and what to change. */
  message: string;
  severity: 'error' | 'warning';
}

export function problem(
  rule: string,
  elementId: string | null | undefined,
  message: string,
  severity: Problem['severity'] = 'error',
): Problem {
  return { elementId: elementId ?? null, rule, message, severity };
}

/** Removes exact duplicates, keeping the first occurrence. */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    const key = `${p.severity}\u0000${p.elementId ?? ''}\u0000${p.rule}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Errors before warnings; within a severity, problems about the whole file (no
 * element) first, then by element id, rule and message. Deterministic, returns a copy.
 */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
    if (a.elementId !== b.elementId) {
      if (a.elementId === null) return -1;
      if (b.elementId === null) return 1;
      const byId = compareText(a.elementId, b.elementId);
      if (byId !== 0) return byId;
    }
    return compareText(a.rule, b.rule) || compareText(a.message, b.message);
  });
}
