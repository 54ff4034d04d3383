import { guarded, is, type ModdleElement, type RuleFactory } from './rule-utils.js';

/**
 * `samenspel/executable-process`: the file must contain at least one process marked
 * executable, otherwise Samenspel has nothing to run.
 */
const executableProcess: RuleFactory = () => ({
  check: guarded('executable-process', (node, reporter) => {
    if (!is(node, 'bpmn:Definitions')) return;

    const roots: ModdleElement[] = Array.isArray(node.rootElements) ? node.rootElements : [];
    const processes = roots.filter((r) => is(r, 'bpmn:Process'));

    if (processes.length === 0) {
      reporter.report(
        node.id,
        'The file contains no process. Model the process (a pool with its flow) that Samenspel should run.',
      );
      return false;
    }

    if (!processes.some((p) => p.isExecutable === true)) {
      const target = processes.length === 1 ? processes[0].id : node.id;
      const which =
        processes.length === 1
          ? `Process "${processes[0].id}" is not marked executable`
          : `None of the processes (${processes.map((p) => `"${p.id}"`).join(', ')}) is marked executable`;
      reporter.report(
        target,
        `${which}. Mark the process that Samenspel should run as executable (isExecutable="true", "Executable" in the editor).`,
      );
    }
    return false;
  }),
});

export default executableProcess;
