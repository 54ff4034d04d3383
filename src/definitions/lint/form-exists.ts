import {
  AS_WARNING,
  Describe,
  extensions,
  guarded,
  is,
  isBlank,
  isFeel,
  type RuleFactory,
} from './rule-utils.js';

export interface FormExistsConfig {
  /** Ids of the form-js forms deployed with the process (the `id` of each `*.form`). */
  knownFormIds?: readonly string[];
}

/**
 * `samenspel/form-exists`: a user task (or start event) that links a form through
 * `zeebe:formDefinition formId` must name a form that is deployed with the process.
 * A user task without a form is allowed but reported as a warning.
 */
const formExists: RuleFactory<FormExistsConfig> = (config) => {
  const known = new Set(Array.isArray(config?.knownFormIds) ? config.knownFormIds.filter((f) => typeof f === 'string') : []);
  const knownText = known.size > 0 ? `Known forms: ${[...known].sort().join(', ')}.` : 'No forms are deployed with this process yet.';

  return {
    check: guarded('form-exists', (node, reporter) => {
      const isUserTask = is(node, 'bpmn:UserTask');
      if (!isUserTask && !is(node, 'bpmn:StartEvent')) return;

      const forms = extensions(node, 'zeebe:FormDefinition');
      if (forms.length === 0) {
        if (isUserTask) {
          reporter.report(
            node.id,
            `${Describe(node)} has no form, so the person doing it can only mark it done. Link a form (form id) if they need to enter or see data.`,
            AS_WARNING,
          );
        }
        return;
      }

      for (const form of forms) {
        const formId = typeof form.formId === 'string' ? form.formId.trim() : '';
        if (formId === '') {
          const other = !isBlank(form.formKey) ? 'a form key' : !isBlank(form.externalReference) ? 'an external reference' : 'no form id';
          reporter.report(
            node.id,
            `${Describe(node)} links its form by ${other}. Samenspel only uses forms deployed with the process: set the form id (formId) of one of them. ${knownText}`,
          );
          continue;
        }
        if (isFeel(formId)) {
          reporter.report(
            node.id,
            `${Describe(node)} chooses its form with an expression (${formId}). Use the fixed id of a form deployed with the process. ${knownText}`,
          );
          continue;
        }
        if (!known.has(formId)) {
          reporter.report(
            node.id,
            `${Describe(node)} uses form "${formId}", which is not deployed with this process. Add that form, or pick an existing one. ${knownText}`,
          );
        }
      }
    }),
  };
};

export default formExists;
