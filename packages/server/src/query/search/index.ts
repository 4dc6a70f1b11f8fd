/** The search language for logs and spans: parse once, explain, compile to SQL. */
export { MATCH_ALL, type ComparisonOperator, type SearchNode } from './ast.js';
export { compileSearch, fieldExpression } from './compile-search.js';
export { explainSearch } from './explain-search.js';
export { resolveField, type ResolvedField, type SearchTarget } from './fields.js';
export { requiredLogBodyText } from './required-text.js';
export { MAX_SEARCH_LENGTH, parseSearch, SearchSyntaxError } from './parse-search.js';
