import type { ComparisonOperator, SearchNode } from './ast.js';
import { comparisonKind } from './fields.js';
import { describeDuration, severityName } from './values.js';

const OPERATOR_WORDS: Record<ComparisonOperator, string> = {
  '>': 'is greater than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
};

function describeValue(field: string, value: string): string {
  const kind = comparisonKind(field);
  if (kind === 'duration') return describeDuration(value);
  if (kind === 'severity') return severityName(value) ?? value;
  return value;
}

function explainNode(node: SearchNode, nested: boolean): string {
  switch (node.type) {
    case 'and':
    case 'or': {
      if (node.children.length === 0) return 'everything';
      const parts = node.children.map((child) => explainNode(child, true));
      const text = parts.join(node.type === 'and' ? ' and ' : ' or ');
      return nested && node.children.length > 1 ? `(${text})` : text;
    }
    case 'not':
      return `not ${explainNode(node.child, true)}`;
    case 'text':
      return `the text contains ${JSON.stringify(node.value)}`;
    case 'match':
      return node.prefix
        ? `${node.field} starts with ${JSON.stringify(node.value)}`
        : `${node.field} is ${JSON.stringify(node.value)}`;
    case 'exists':
      return `${node.field} exists`;
    case 'compare':
      return `${node.field} ${OPERATOR_WORDS[node.op]} ${describeValue(node.field, node.value)}`;
  }
}

/** A plain-English reading of a query, e.g. `service.name is "checkout" and duration is greater than 250 ms`. */
export function explainSearch(ast: SearchNode): string {
  return explainNode(ast, false);
}
