import type { SearchNode } from './ast.js';
import { resolveField } from './fields.js';

/**
 * Strings that every log matching the query contains in its body (case-insensitively): the free
 * text and phrases, and `body:` matches, that the query requires whatever else holds. Terms under
 * OR or NOT require nothing and are left out, so the list may be empty. A store uses it to skip
 * blocks of logs that cannot match (QueryHints.logBodyContains).
 */
export function requiredLogBodyText(node: SearchNode | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'and':
      return node.children.flatMap(requiredLogBodyText);
    case 'text':
      return [node.value];
    case 'match': {
      const field = resolveField(node.field, 'logs');
      return field.type === 'column' && field.column === 'body' && field.kind === 'text'
        ? [node.value]
        : [];
    }
    default:
      return [];
  }
}
