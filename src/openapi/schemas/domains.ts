import { z } from 'zod';
import { domainToApi } from '../../domains/domains.dto';
import type { VerifyResult } from '../../domains/domains.service';
import type { RouteAnswer as RouteAnswerView } from '../../routing/routing.service';
import { documents, nullableTimestamp, response, timestamp } from '../registry';

const METHOD = z.enum(['dns_txt', 'meta_tag', 'file']);

export const Domain = response(
  'Domain',
  'A domain of an organization and the three ways to prove it: a DNS TXT record, a meta tag at the site root, or a file under /.well-known/.',
  z.object({
    id: z.string(),
    organization_id: z.string(),
    domain: z.string(),
    include_subdomains: z.boolean(),
    status: z.enum(['pending', 'verified']),
    method: METHOD.nullable(),
    verification: z.object({
      token: z.string(),
      dns_txt: z.object({ name: z.string(), value: z.string() }),
      meta_tag: z.object({ html: z.string() }),
      file: z.object({ url: z.string(), content: z.string() }),
    }),
    verified_at: nullableTimestamp,
    last_checked_at: nullableTimestamp,
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(Domain, domainToApi);

export const DomainVerification = response(
  'DomainVerification',
  'The outcome of a verification attempt, one check per method tried.',
  z.object({
    status: z.enum(['pending', 'verified']),
    method: METHOD.nullable(),
    checks: z.array(z.object({ method: METHOD, ok: z.boolean(), detail: z.string() })),
  }),
);

export const RouteAnswer = response(
  'LoginRoute',
  'Home-realm discovery for an email: with `sso: true`, the organization whose verified domain matches and its SAML connection.',
  z.union([
    z.object({
      email_domain: z.string(),
      sso: z.literal(true),
      organization: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
      connection: z.object({ id: z.string(), type: z.string(), name: z.string() }),
      login_url: z.string(),
    }),
    z.object({ email_domain: z.string(), sso: z.literal(false) }),
  ]),
);
documents(DomainVerification, (v: VerifyResult) => v);
documents(RouteAnswer, (r: RouteAnswerView) => r);
