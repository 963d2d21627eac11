import { iso } from '../shared/schemas';
import { effectiveSettings, fullAuthSettings, fullBranding, type Settings } from '../tenants/settings';
import { fullDomainPolicy } from './domain-policy';
import type { OrgRecord } from './orgs.repository';

export function orgToApi(org: OrgRecord, tenantSettings: Settings) {
  const own: Settings = { branding: fullBranding(org.branding), auth_settings: fullAuthSettings(org.auth_settings) };
  return {
    id: org.id,
    tenant_id: org.tenant_id,
    name: org.name,
    slug: org.slug,
    description: org.description,
    metadata: org.metadata ?? {},
    branding: own.branding,
    auth_settings: own.auth_settings,
    effective: effectiveSettings(own, tenantSettings),
    domain_policy: fullDomainPolicy(org.domain_policy),
    parent_id: org.parent_id ?? null,
    created_at: iso(org.created_at),
    updated_at: iso(org.updated_at),
  };
}

export const orgSummary = (org: OrgRecord) => ({ id: org.id, slug: org.slug, name: org.name });
