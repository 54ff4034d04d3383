/**
 * Hides properties panel groups for what Samenspel does not run (scripts, decisions,
 * called processes, listeners, multi-instance, job priorities, ...), so that process
 * owners only see fields that change how a case runs here. Runs after the Zeebe
 * provider (lower priority is called later).
 */
export const HIDDEN_GROUPS: ReadonlySet<string> = new Set([
  'adHocSubProcessImplementation',
  'activeElements',
  'outputCollection',
  'completionCondition',
  'calledDecision',
  'businessRuleImplementation',
  'script',
  'scriptImplementation',
  'calledElement',
  'businessId',
  'inputPropagation',
  'outputPropagation',
  'userTaskImplementation',
  'jobPriorityDefinition',
  'multiInstance',
  'Zeebe__ExecutionListeners',
  'Zeebe__TaskListeners',
  'event-condition',
  'conditional',
  'signal',
  'escalation',
  'compensation',
]);

type Group = { id: string; entries?: { id: string }[] };

export default class SamenspelPropertiesFilter {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }) {
    propertiesPanel.registerProvider(100, this);
  }

  getGroups(): (groups: Group[]) => Group[] {
    return (groups) =>
      groups
        .filter((group) => !HIDDEN_GROUPS.has(group.id))
        .map((group) =>
          group.id === 'general' && Array.isArray(group.entries)
            ? // Version tags belong to Camunda's deployment model; Samenspel numbers versions itself.
              { ...group, entries: group.entries.filter((entry) => entry.id !== 'versionTag') }
            : group,
        );
  }
}
