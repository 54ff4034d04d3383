import { readProcessSettings } from '../process-settings.js';
import { AS_WARNING, guarded, is, type RuleFactory } from './rule-utils.js';

/**
 * `samenspel/process-settings`: the `samenspel.*` extension properties of a process
 * (starterGroups, retentionDays) must have valid values.
 */
const processSettings: RuleFactory = () => ({
  check: guarded('process-settings', (node, reporter) => {
    if (!is(node, 'bpmn:Process')) return;
    for (const issue of readProcessSettings(node).issues) {
      reporter.report(node.id, issue.message, issue.severity === 'warning' ? AS_WARNING : undefined);
    }
    return undefined;
  }),
});

export default processSettings;
