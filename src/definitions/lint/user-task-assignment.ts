import { Describe, extensions, guarded, is, isBlank, type RuleFactory } from './rule-utils.js';

/**
 * `samenspel/user-task-assignment`: every user task says who may do it, through
 * `zeebe:assignmentDefinition` with candidate groups, candidate users or an assignee.
 */
const userTaskAssignment: RuleFactory = () => ({
  check: guarded('user-task-assignment', (node, reporter) => {
    if (!is(node, 'bpmn:UserTask')) return;

    const assignments = extensions(node, 'zeebe:AssignmentDefinition');
    const assigned = assignments.some(
      (a) => !isBlank(a.candidateGroups) || !isBlank(a.candidateUsers) || !isBlank(a.assignee),
    );
    if (assigned) return;

    reporter.report(
      node.id,
      assignments.length === 0
        ? `${Describe(node)} does not say who does it. Under "Assignment", set candidate groups (for example vt-triage), candidate users or an assignee.`
        : `${Describe(node)} has an empty assignment. Fill in candidate groups (for example vt-triage), candidate users or an assignee.`,
    );
  }),
});

export default userTaskAssignment;
