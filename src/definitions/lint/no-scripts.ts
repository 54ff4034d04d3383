import {
  Describe,
  asText,
  describe,
  guarded,
  humanType,
  is,
  isFeel,
  owner,
  shorten,
  stringValues,
  type ModdleElement,
  type RuleFactory,
} from './rule-utils.js';

/** Expression languages that mean FEEL. */
const FEEL_LANGUAGES = new Set([
  'feel',
  'https://www.omg.org/spec/dmn/20191111/feel/',
  'http://www.omg.org/spec/feel/20140401',
]);

function isFeelLanguage(language: string): boolean {
  return FEEL_LANGUAGES.has(language.trim().toLowerCase());
}

/** Text that people read but no engine evaluates. */
function isProse(node: ModdleElement, name: string): boolean {
  return (is(node, 'bpmn:Documentation') || is(node, 'bpmn:TextAnnotation')) && (name === 'text' || name === 'body');
}

/**
 * `samenspel/no-scripts`: no code from a diagram ever runs on the server. Refuses
 * script tasks, expressions in another language than FEEL, sequence flow conditions
 * that are not FEEL (`=...`), and `${...}` expressions in any attribute or body.
 */
const noScripts: RuleFactory = () => ({
  check: guarded('no-scripts', (node, reporter) => {
    if (is(node, 'bpmn:ScriptTask')) {
      const format = asText(node.scriptFormat).trim();
      reporter.report(
        node.id,
        `${Describe(node)} is a script task${format ? ` (${format})` : ''}. Samenspel never runs scripts from a diagram: replace it with a service task that uses a connector, or compute values with FEEL in input/output mappings.`,
      );
    }

    if (is(node, 'bpmn:SequenceFlow') && node.conditionExpression) {
      const condition = node.conditionExpression as ModdleElement;
      const body = asText(condition.body).trim();
      const language = asText(condition.language).trim();
      if (language === '' || isFeelLanguage(language)) {
        if (!isFeel(body)) {
          reporter.report(
            node.id,
            `The condition of ${describe(node)} ("${shorten(body)}") is not a FEEL expression. Conditions must be FEEL and start with "=", for example =urgentie = "acuut".`,
          );
        }
      }
    }

    if (is(node, 'bpmn:Expression')) {
      const language = asText(node.language).trim();
      if (language !== '' && !isFeelLanguage(language)) {
        const parent = owner(node);
        reporter.report(
          parent?.id,
          `${parent ? Describe(parent) : 'The diagram'} has an expression in the language "${language}". Samenspel only evaluates FEEL: remove the language and write the expression in FEEL, starting with "=" (for example =urgentie = "acuut").`,
        );
      }
    }

    for (const { name, value } of stringValues(node)) {
      if (!value.includes('${') || isProse(node, name)) continue;
      const target = typeof node.id === 'string' && node.id !== '' ? node : owner(node);
      const where =
        target === node
          ? Describe(node)
          : `The ${humanType(node.$type)} ${target ? `of ${describe(target)}` : 'in the diagram'}`;
      reporter.report(
        target?.id,
        `${where} contains the expression "${shorten(value)}" in ${name === 'body' ? 'its text' : `"${name}"`}. Samenspel does not evaluate \${...} expressions: use FEEL starting with "=" instead, or remove the "\${".`,
      );
    }
    return undefined;
  }),
});

export default noScripts;
