/**
 * A FEEL syntax checker built on feelin's parser, in the shape the
 * `samenspel/feel-syntax` rule expects: null when the expression parses, else a short
 * description of the first error. Browser-safe. Pass it as `checkFeel` to
 * `validateDefinition` / `createLintConfig`.
 */
import { parseExpression } from 'feelin';

export function checkFeelSyntax(expression: string): string | null {
  if (typeof expression !== 'string') return 'not text';
  let errorAt = -1;
  try {
    const tree = parseExpression(expression, {}, undefined);
    tree.iterate({
      enter(node) {
        if (errorAt !== -1) return false;
        if (node.type.isError) {
          errorAt = node.from;
          return false;
        }
        return undefined;
      },
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (errorAt === -1) return null;
  if (errorAt >= expression.length) return 'the expression is incomplete at the end';
  const near = expression.slice(errorAt, errorAt + 12);
  return `syntax error at character ${errorAt + 1}, near "${near}"`;
}
