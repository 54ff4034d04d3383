import { Describe, extensions, guarded, is, isAny, isFeel, type RuleFactory } from './rule-utils.js';

export interface KnownConnectorsConfig {
  /** The connector types registered in code, e.g. `notify`, `webhook`. */
  connectorTypes?: readonly string[];
}

/**
 * `samenspel/known-connectors`: a service or send task runs a connector named by
 * `zeebe:taskDefinition type`; the type must be one Samenspel knows. Events that carry a
 * task definition (Camunda-style message throw/end events) are checked the same way.
 */
const knownConnectors: RuleFactory<KnownConnectorsConfig> = (config) => {
  const known = new Set(
    Array.isArray(config?.connectorTypes) ? config.connectorTypes.filter((t) => typeof t === 'string') : [],
  );
  const knownText = known.size > 0 ? `Known connector types: ${[...known].sort().join(', ')}.` : 'No connectors are registered.';

  return {
    check: guarded('known-connectors', (node, reporter) => {
      const isTask = isAny(node, ['bpmn:ServiceTask', 'bpmn:SendTask']);
      if (!isTask && !is(node, 'bpmn:Event')) return;

      const definitions = extensions(node, 'zeebe:TaskDefinition');
      if (definitions.length === 0) {
        if (isTask) {
          reporter.report(
            node.id,
            `${Describe(node)} does not say which connector runs it. Set the task definition type to a connector. ${knownText}`,
          );
        }
        return;
      }

      for (const def of definitions) {
        const type = typeof def.type === 'string' ? def.type.trim() : '';
        if (type === '') {
          reporter.report(node.id, `${Describe(node)} has an empty task definition type. Set it to a connector. ${knownText}`);
        } else if (isFeel(type)) {
          reporter.report(
            node.id,
            `${Describe(node)} chooses its connector with an expression (${type}). Use the fixed name of a connector. ${knownText}`,
          );
        } else if (!known.has(type)) {
          reporter.report(
            node.id,
            `${Describe(node)} uses connector type "${type}", which Samenspel does not know. Use one of the registered connectors. ${knownText}`,
          );
        }
      }
    }),
  };
};

export default knownConnectors;
