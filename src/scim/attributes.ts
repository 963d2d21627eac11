import { SCHEMA, scimmy } from './scimmy';

export type ScimResourceType = 'User' | 'Group';

export interface AttributeInfo {
  /** Canonical path into the stored resource: ['name', 'familyName'] or [enterprise URN, 'employeeNumber']. */
  path: string[];
  type: string;
  caseExact: boolean;
  /** The top-level attribute is multi-valued (emails, members, ...). */
  multiValued: boolean;
  /** For a multi-valued complex attribute: its sub-attributes by lower-case name. */
  subAttributes?: Map<string, AttributeInfo>;
}

interface Definition {
  attributes: Array<{ name: string; type: string; config?: { caseExact?: boolean; multiValued?: boolean }; subAttributes?: Definition['attributes'] }>;
}

function index(attrs: Definition['attributes'], prefix: string[], multiValued = false): Map<string, AttributeInfo> {
  const map = new Map<string, AttributeInfo>();
  for (const a of attrs) {
    const info: AttributeInfo = {
      path: [...prefix, a.name],
      type: a.type,
      caseExact: a.config?.caseExact ?? false,
      multiValued: multiValued || (a.config?.multiValued ?? false),
    };
    if (a.subAttributes) info.subAttributes = index(a.subAttributes, a.config?.multiValued ? [] : [...prefix, a.name]);
    map.set(a.name.toLowerCase(), info);
  }
  return map;
}

let cache: Record<ScimResourceType, { core: Map<string, AttributeInfo>; extensions: Map<string, Map<string, AttributeInfo>> }> | undefined;

function schemas() {
  if (!cache) {
    const S = scimmy().Schemas;
    cache = {
      User: {
        core: index((S.User.definition as unknown as Definition).attributes, []),
        extensions: new Map([[SCHEMA.enterprise.toLowerCase(), index((S.EnterpriseUser.definition as unknown as Definition).attributes, [SCHEMA.enterprise])]]),
      },
      Group: { core: index((S.Group.definition as unknown as Definition).attributes, []), extensions: new Map() },
    };
  }
  return cache;
}

/**
 * Resolves a filter or sort attribute path (case-insensitive, optionally URN-qualified) to its
 * canonical form. `emails.value` resolves to `emails` with the sub-attribute under `sub`.
 */
export function resolveAttribute(resource: ScimResourceType, attrPath: string): { attr: AttributeInfo; sub?: AttributeInfo } | null {
  const { core, extensions } = schemas()[resource];
  let scope = core;
  let rest = attrPath;
  const lower = attrPath.toLowerCase();
  const coreUrn = (resource === 'User' ? SCHEMA.user : SCHEMA.group).toLowerCase();
  if (lower.startsWith(`${coreUrn}:`)) {
    rest = attrPath.slice(coreUrn.length + 1);
  } else {
    for (const [urn, attrs] of extensions) {
      if (lower.startsWith(`${urn}:`)) {
        scope = attrs;
        rest = attrPath.slice(urn.length + 1);
      }
    }
  }
  const [head, sub, ...more] = rest.split('.');
  if (!head || more.length) return null;
  const attr = scope.get(head.toLowerCase());
  if (!attr) return null;
  if (sub === undefined) return { attr };
  const subAttr = attr.subAttributes?.get(sub.toLowerCase());
  if (!subAttr) return null;
  if (attr.multiValued) return { attr, sub: subAttr };
  return { attr: subAttr };
}
