import { Router } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import { iso, nameSchema } from '../shared/schemas';
import type { ApplicationRecord } from './applications.repository';
import type { ApplicationsService } from './applications.service';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A redirect URI: absolute, no fragment; https, or http on a loopback host (development), or
 * for native apps a private-use scheme such as `com.example.app:/callback` (RFC 8252).
 */
const redirectUri = z
  .string({ error: 'must be a string' })
  .max(2048, 'at most 2048 characters')
  .refine((value) => {
    const url = URL.parse(value);
    if (!url || url.hash || value.includes('#')) return false;
    if (url.protocol === 'https:') return true;
    if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname);
    return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
  }, 'must be an absolute https URL (http only on localhost), or a native app scheme, without a fragment');

/**
 * Where an invitation for the application sends the browser after acceptance (OIDC's
 * `initiate_login_uri`: the application starts a sign-in from there): https, or http on localhost.
 */
const initiateLoginUri = z
  .string({ error: 'initiate_login_uri must be a string' })
  .max(2048, 'at most 2048 characters')
  .refine((value) => {
    const url = URL.parse(value);
    if (!url || url.hash || value.includes('#') || url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  }, 'must be an absolute https URL (http only on localhost) without a fragment or credentials');

const uriList = z.array(redirectUri, { error: 'must be an array of URLs' }).max(20, 'at most 20 URLs');

export const createSchema = z.strictObject({
  name: nameSchema,
  type: z.enum(['web', 'spa', 'native'], { error: 'type must be web, spa or native' }).default('web'),
  redirect_uris: uriList.min(1, 'at least one redirect URI is required'),
  post_logout_redirect_uris: uriList.default([]),
  initiate_login_uri: initiateLoginUri.nullable().optional(),
});

export const patchSchema = z.strictObject({
  name: nameSchema.optional(),
  redirect_uris: uriList.min(1, 'at least one redirect URI is required').optional(),
  post_logout_redirect_uris: uriList.optional(),
  initiate_login_uri: initiateLoginUri.nullable().optional(),
});

export const toApi = (a: ApplicationRecord) => ({
  id: a.id,
  name: a.name,
  type: a.type,
  client_id: a.client_id,
  redirect_uris: a.redirect_uris,
  post_logout_redirect_uris: a.post_logout_redirect_uris,
  initiate_login_uri: a.initiate_login_uri ?? null,
  created_at: iso(a.created_at),
  updated_at: iso(a.updated_at),
});

/** `/applications` (contract section 8). */
export function applicationsRoutes(apps: ApplicationsService): Router {
  const router = Router({ mergeParams: true });
  router.post('/applications', async (req, res) => {
    const body = parse(createSchema, req.body);
    const { app, clientSecret } = await apps.create(ctxOf(req), {
      name: body.name,
      type: body.type,
      redirectUris: body.redirect_uris,
      postLogoutRedirectUris: body.post_logout_redirect_uris,
      initiateLoginUri: body.initiate_login_uri ?? null,
    });
    res.status(201).json({ ...toApi(app), ...(clientSecret ? { client_secret: clientSecret } : {}) });
  });
  router.get('/applications', async (req, res) => {
    const page = await apps.list(ctxOf(req).tenantId, parsePage(req.query));
    res.json({ data: page.data.map(toApi), next_cursor: page.next_cursor });
  });
  router.get('/applications/:appId', async (req, res) => {
    res.json(toApi(await apps.get(ctxOf(req).tenantId, req.params.appId)));
  });
  router.patch('/applications/:appId', async (req, res) => {
    const body = parse(patchSchema, req.body);
    const app = await apps.update(ctxOf(req), req.params.appId, {
      name: body.name,
      redirectUris: body.redirect_uris,
      postLogoutRedirectUris: body.post_logout_redirect_uris,
      initiateLoginUri: body.initiate_login_uri,
    });
    res.json(toApi(app));
  });
  router.delete('/applications/:appId', async (req, res) => {
    await apps.delete(ctxOf(req), req.params.appId);
    res.status(204).end();
  });
  router.post('/applications/:appId/secret', async (req, res) => {
    const { app, clientSecret } = await apps.rotateSecret(ctxOf(req), req.params.appId);
    res.json({ ...toApi(app), client_secret: clientSecret });
  });
  return router;
}
