import { z } from 'zod';
import { toApi as applicationToApi } from '../../oidc/applications.routes';
import { toApi as signingKeyToApi } from '../../oidc/signing-keys.routes';
import type { Me as MeView } from '../../sessions/sessions.service';
import { documents, nullableTimestamp, response, timestamp } from '../registry';

export const Application = response(
  'Application',
  "An OpenID Connect client of the tenant's provider.",
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['web', 'spa', 'native']),
    client_id: z.string(),
    redirect_uris: z.array(z.string()),
    post_logout_redirect_uris: z.array(z.string()),
    initiate_login_uri: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
documents(Application, applicationToApi);

export const ApplicationWithSecret = response(
  'ApplicationWithSecret',
  'An application with its client secret, shown only in this answer (`web` applications; spa and native ones have none).',
  Application.extend({ client_secret: z.string().optional() }),
);

export const SigningKey = response(
  'SigningKey',
  "One of the tenant's token signing keys; a retired key stays published until its last token expires.",
  z.object({ kid: z.string(), alg: z.string(), status: z.enum(['active', 'retired']), created_at: timestamp, retired_at: nullableTimestamp }),
);
documents(SigningKey, signingKeyToApi);

const OrganizationRole = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: z.string(), roles: z.array(z.string()) });

export const MyOrganization = response('MyOrganization', "One of the signed-in user's organizations and their roles in it.", OrganizationRole);

export const Me = response(
  'Me',
  'Who is signed in, the organization in context (the access token’s, else none) and all of their organizations.',
  z.object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
    organization: MyOrganization.nullable(),
    organizations: z.array(MyOrganization),
  }),
);
documents(Me, (me: MeView) => me);
