import type { RoleMappingConfig } from '../db/models';
import { highestRole } from '../orgs/roles.service';

export type { RoleMappingConfig };

export const DEFAULT_ROLE_MAPPING: RoleMappingConfig = { default_role: 'member', mappings: [] };

/**
 * A directory user's role: the highest-rank role mapped from any of its groups (by group id,
 * or by displayName compared case-insensitively), else the directory's default role. Roles the
 * organization does not have (any more) are skipped.
 */
export function roleForGroups(
  mapping: RoleMappingConfig,
  groups: Array<{ id: string; displayName: string }>,
  ranks: Map<string, number>,
): string {
  const ids = new Set(groups.map((g) => g.id));
  const names = new Set(groups.map((g) => g.displayName.toLowerCase()));
  const mapped = mapping.mappings
    .filter((m) => (m.group_id !== undefined ? ids.has(m.group_id) : m.group !== undefined && names.has(m.group.toLowerCase())))
    .filter((m) => ranks.has(m.role))
    .map((m) => ({ key: m.role, rank: ranks.get(m.role)! }));
  return highestRole(mapped)?.key ?? (ranks.has(mapping.default_role) ? mapping.default_role : 'member');
}

/** Does a mapping name this group (so a rename or deletion can change roles)? */
export function mappingMentions(mapping: RoleMappingConfig, group: { id: string; displayName: string }): boolean {
  const name = group.displayName.toLowerCase();
  return mapping.mappings.some((m) => m.group_id === group.id || m.group?.toLowerCase() === name);
}
