import { iso } from '../shared/schemas';
import type { TenantRecord } from './tenants.repository';

export function tenantToApi(t: TenantRecord) {
  return { id: t.id, slug: t.slug, name: t.name, created_at: iso(t.created_at) };
}
