/** Case history events in words, with element names from the diagram. */
import { currentLang } from './i18n.js';

const WORDS: Record<string, { nl: string; en: string }> = {
  started: { nl: 'Zaak gestart', en: 'Case started' },
  completed: { nl: 'Zaak afgerond', en: 'Case completed' },
  cancelled: { nl: 'Zaak geannuleerd', en: 'Case cancelled' },
  'task-created': { nl: 'Taak klaargezet', en: 'Task created' },
  'task-completed': { nl: 'Taak afgerond', en: 'Task completed' },
  'task-claimed': { nl: 'Taak opgepakt', en: 'Task taken' },
  'task-unclaimed': { nl: 'Taak teruggegeven', en: 'Task given back' },
  'task-delegated': { nl: 'Taak overgedragen', en: 'Task handed over' },
  'task-cancelled': { nl: 'Taak vervallen', en: 'Task cancelled' },
  'timer-fired': { nl: 'Termijn verstreken', en: 'Timer fired' },
  'message-sent': { nl: 'Bericht verstuurd', en: 'Message sent' },
  'message-correlated': { nl: 'Bericht ontvangen', en: 'Message received' },
  incident: { nl: 'Incident', en: 'Incident' },
  'incident-resolved': { nl: 'Incident opgelost', en: 'Incident resolved' },
  migrated: { nl: 'Naar andere versie gemigreerd', en: 'Migrated to another version' },
  modified: { nl: 'Zaak verplaatst door beheer', en: 'Case moved by an administrator' },
};

export function eventWord(type: string): string {
  return WORDS[type]?.[currentLang()] ?? type;
}

/** Element id -> name from BPMN XML. */
export function elementNames(xml: string): Map<string, string> {
  const names = new Map<string, string>();
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  for (const element of doc.getElementsByTagName('*')) {
    const id = element.getAttribute('id');
    const name = element.getAttribute('name');
    if (id && name) names.set(id, name);
  }
  return names;
}

/** "instance:..." and "system" actors are the engine itself. */
export function actorWord(actor: string | null): string | null {
  if (!actor) return null;
  if (actor.startsWith('instance:') || actor === 'system') return currentLang() === 'nl' ? 'Samenspel' : 'Samenspel';
  return actor;
}
