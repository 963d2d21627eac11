import { z } from 'zod';
import type { JsonObject } from '../db/models';

/** An organization's domain policy (issue 22, seed 002); docs/domains.md, "Domain policies". */
export interface DomainPolicy {
  /** The role a person of one of the organization's verified domains gets at their first sign-in, or null. */
  auto_join: string | null;
  /** Members, invitations and SCIM users only with an email of the organization's verified domains. */
  restrict_to_verified_domains: boolean;
}

export const DEFAULT_DOMAIN_POLICY: DomainPolicy = { auto_join: null, restrict_to_verified_domains: false };

/** Nobody becomes an owner by having the right email address. */
export const AUTO_JOIN_REFUSED_ROLE = 'owner';

export const domainPolicyPatchSchema = z.strictObject(
  {
    auto_join: z.string({ error: 'domain_policy.auto_join must be a role key or null' }).min(1).max(64).nullable().optional(),
    restrict_to_verified_domains: z.boolean({ error: 'domain_policy.restrict_to_verified_domains must be true or false' }).optional(),
  },
  { error: 'domain_policy must be an object' },
);
export type DomainPolicyPatch = z.output<typeof domainPolicyPatchSchema>;

export function fullDomainPolicy(stored: JsonObject | null | undefined): DomainPolicy {
  return { ...DEFAULT_DOMAIN_POLICY, ...(stored as Partial<DomainPolicy> | null | undefined) };
}

/** A patch over a policy: absent fields stay, a `null` patch is the defaults again. */
export function patchDomainPolicy(current: DomainPolicy, patch: DomainPolicyPatch | null | undefined): DomainPolicy {
  if (patch === null) return { ...DEFAULT_DOMAIN_POLICY };
  const next = { ...current };
  if (patch?.auto_join !== undefined) next.auto_join = patch.auto_join;
  if (patch?.restrict_to_verified_domains !== undefined) next.restrict_to_verified_domains = patch.restrict_to_verified_domains;
  return next;
}

