/** Tasks as the pages show them: the deadline in Dutch working days. */
import { dutchWorkingDays } from '../../src/engine/working-days.js';

export interface TaskItem {
  id: string;
  instanceId: string;
  definitionKey: string;
  elementId: string;
  name: string;
  candidateGroups: string[];
  assignee: string | null;
  createdAt: string;
  dueAt: string | null;
  formId: string | null;
  state: string;
  businessKey: string | null;
}

export type DueKey = 'due.none' | 'due.today' | 'due.left.one' | 'due.left.many' | 'due.over.one' | 'due.over.many' | 'due.overdue';

export interface DueLabel {
  text: string;
  /** none, ok (3+ working days), soon (0-2), overdue (past the due instant). */
  kind: 'none' | 'ok' | 'soon' | 'overdue';
  overdue: boolean;
  workingDays: number | null;
}

/**
 * Time left until `dueAt` in working days of the Dutch calendar (the same calendar the
 * engine computes deadlines with, bundled from src/engine/working-days.ts): the working
 * days after today up to and including the due day; negative when the due day is past.
 */
export function dueLabel(dueAt: string | null, now: Date, t: (key: DueKey, vars?: Record<string, string | number>) => string): DueLabel {
  if (!dueAt) return { text: t('due.none'), kind: 'none', overdue: false, workingDays: null };
  const days = dutchWorkingDays.workingDaysBetween(now, dueAt);
  if (Date.parse(dueAt) <= now.getTime()) {
    const over = Math.max(0, -days);
    return { text: over === 0 ? t('due.overdue') : t(over === 1 ? 'due.over.one' : 'due.over.many', { n: over }), kind: 'overdue', overdue: true, workingDays: days };
  }
  if (days <= 0) return { text: t('due.today'), kind: 'soon', overdue: false, workingDays: days };
  return { text: t(days === 1 ? 'due.left.one' : 'due.left.many', { n: days }), kind: days <= 2 ? 'soon' : 'ok', overdue: false, workingDays: days };
}
