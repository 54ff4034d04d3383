/**
 * Takes out of the "change element" menu what Samenspel does not run (the same list as
 * the lint rule `samenspel/supported-elements`): script, business rule and call
 * activities, transactions, ad-hoc and complex constructs, signal, escalation,
 * compensation, conditional, link and cancel events, loop and multi-instance markers.
 */
import { PopupEntries } from 'bpmn-js/lib/features/popup-menu/PopupEntries';

export const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:CallActivity',
  'bpmn:ComplexGateway',
  'bpmn:Transaction',
  'bpmn:AdHocSubProcess',
]);

export const UNSUPPORTED_EVENT_DEFINITIONS: ReadonlySet<string> = new Set([
  'bpmn:SignalEventDefinition',
  'bpmn:EscalationEventDefinition',
  'bpmn:CompensateEventDefinition',
  'bpmn:ConditionalEventDefinition',
  'bpmn:LinkEventDefinition',
  'bpmn:CancelEventDefinition',
]);

const UNSUPPORTED_HEADER_ENTRIES = new Set(['toggle-loop', 'toggle-parallel-mi', 'toggle-sequential-mi', 'toggle-adhoc', 'toggle-compensation']);

type Target = { type?: string; eventDefinitionType?: string; isExpanded?: boolean } | undefined;
type Entries = Record<string, unknown>;

/** The catalog target of a menu entry id such as `replace-with-script-task`. */
function targetOf(id: string): Target {
  const key = id.replace(/^replace-with-/, '');
  const catalog = PopupEntries as unknown as Record<string, { target?: Target }>;
  return catalog[key]?.target;
}

export function isSupportedTarget(target: Target): boolean {
  if (!target) return true;
  if (target.type && UNSUPPORTED_TYPES.has(target.type)) return false;
  if (target.eventDefinitionType && UNSUPPORTED_EVENT_DEFINITIONS.has(target.eventDefinitionType)) return false;
  return true;
}

export default class SupportedReplaceMenu {
  static $inject = ['popupMenu'];

  constructor(popupMenu: { registerProvider(id: string, priority: number, provider: unknown): void }) {
    popupMenu.registerProvider('bpmn-replace', 500, this);
  }

  getPopupMenuEntries(): (entries: Entries) => Entries {
    return (entries) => Object.fromEntries(Object.entries(entries).filter(([id]) => isSupportedTarget(targetOf(id)) && !/ad-hoc|adhoc|transaction|call-activity|complex|signal|escalation|compensat|conditional-(start|intermediate|boundary)|link|cancel/.test(id)));
  }

  getPopupMenuHeaderEntries(): (entries: Entries) => Entries {
    return (entries) => Object.fromEntries(Object.entries(entries).filter(([id]) => !UNSUPPORTED_HEADER_ENTRIES.has(id)));
  }
}
