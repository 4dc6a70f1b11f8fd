import type { AttributeLimiter } from './attribute-limits.js';
import { keyValuesText } from './json-any-value.js';
import {
  field,
  readArray,
  readObject,
  readString,
  type JsonObject,
  type JsonPath,
} from './json-values.js';
import {
  EMPTY_RESOURCE,
  RESOURCE_PROMOTED_KEYS,
  resourceColumns,
  type PromotedValue,
  type ResourceColumns,
} from './promoted.js';
import { EMPTY_SCOPE, type ScopeColumns } from './wire-resource.js';

/** The values a JSON `resource` gives each of its rows. */
export function jsonResource(
  v: unknown,
  path: JsonPath,
  limits: AttributeLimiter,
): ResourceColumns {
  const resource = readObject(v, path, 'resource');
  if (resource === undefined) return EMPTY_RESOURCE;
  const slots = new Array<PromotedValue>(RESOURCE_PROMOTED_KEYS.size).fill(null);
  path.enter('resource');
  const attributes = keyValuesText(
    field(resource, 'attributes', 'attributes'),
    path,
    'attributes',
    0,
    RESOURCE_PROMOTED_KEYS,
    slots,
    limits,
  );
  path.leave();
  return resourceColumns(slots, attributes);
}

/** The name and version of a JSON `scope`. */
export function jsonScope(v: unknown, path: JsonPath): ScopeColumns {
  const scope = readObject(v, path, 'scope');
  if (scope === undefined) return EMPTY_SCOPE;
  path.enter('scope');
  const columns = {
    name: readString(field(scope, 'name', 'name'), path, 'name'),
    version: readString(field(scope, 'version', 'version'), path, 'version'),
  };
  path.leave();
  return columns;
}

/** The JSON key (camelCase, snake_case) of each level of an export request. */
export interface EnvelopeKeys {
  resources: readonly [string, string];
  scopes: readonly [string, string];
  items: readonly [string, string];
}

/** A builder whose resource and scope columns are filled per row range. */
export interface EnvelopeBuilder {
  readonly length: number;
  fillResource(from: number, resource: ResourceColumns): void;
  fillScope(from: number, scope: ScopeColumns): void;
}

/**
 * Walks `resourceX[].scopeX[].items[]` of an OTLP/JSON export request, calling `visit` with
 * each item (the path points at it), and fills the resource and scope columns of the rows the
 * visits appended.
 */
export function walkEnvelope(
  doc: JsonObject,
  path: JsonPath,
  keys: EnvelopeKeys,
  out: EnvelopeBuilder,
  limits: AttributeLimiter,
  visit: (item: JsonObject) => void,
): void {
  const resources = readArray(field(doc, ...keys.resources), path, keys.resources[0]);
  path.enter(keys.resources[0]);
  for (let i = 0; i < resources.length; i++) {
    path.enter(i);
    const resourceX = readObject(resources[i], path, null) ?? {};
    const resourceFrom = out.length;
    const scopes = readArray(field(resourceX, ...keys.scopes), path, keys.scopes[0]);
    path.enter(keys.scopes[0]);
    for (let j = 0; j < scopes.length; j++) {
      path.enter(j);
      const scopeX = readObject(scopes[j], path, null) ?? {};
      const scopeFrom = out.length;
      const items = readArray(field(scopeX, ...keys.items), path, keys.items[0]);
      path.enter(keys.items[0]);
      for (let k = 0; k < items.length; k++) {
        path.enter(k);
        visit(readObject(items[k], path, null) ?? {});
        path.leave();
      }
      path.leave();
      out.fillScope(scopeFrom, jsonScope(field(scopeX, 'scope', 'scope'), path));
      path.leave();
    }
    path.leave();
    out.fillResource(
      resourceFrom,
      jsonResource(field(resourceX, 'resource', 'resource'), path, limits),
    );
    path.leave();
  }
  path.leave();
}
