import { Router, type Request } from 'express';
import { z } from 'zod';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { OrgsService } from '../orgs/orgs.service';
import { iso, nameSchema } from '../shared/schemas';
import type { ConnectionsService, ConnectionView } from './connections.service';
import { METADATA_MAX_BYTES } from './idp-metadata';
import { spUrls } from './sp-urls';

const roleKey = z.string().min(1).max(64);
const attributeName = z.string().trim().min(1).max(512);
const idpFields = {
  idp_metadata_xml: z.string().min(1).max(METADATA_MAX_BYTES * 2, 'idp_metadata_xml is too large').optional(),
  idp_entity_id: z.string().trim().min(1).max(1024).optional(),
  idp_sso_url: z.url({ protocol: /^https?$/, error: 'idp_sso_url must be an http(s) URL' }).max(2048).optional(),
  idp_certificates: z.array(z.string().min(1).max(16384)).min(1, 'give at least one certificate').max(10).optional(),
};
const settingsFields = {
  attribute_mapping: z
    .strictObject({ email: attributeName.optional(), first_name: attributeName.optional(), last_name: attributeName.optional(), groups: attributeName.optional() })
    .optional(),
  jit: z.strictObject({ enabled: z.boolean(), default_role: roleKey.default('member') }).optional(),
  signed: z.enum(['either', 'response', 'assertion', 'both']).optional(),
  allow_idp_initiated: z.boolean().optional(),
  role_mappings: z
    .strictObject({
      default_role: roleKey.default('member'),
      mappings: z.array(z.strictObject({ group: z.string().min(1).max(400), role: roleKey })).max(1000).default([]),
    })
    .nullable()
    .optional(),
};
export const createSchema = z.strictObject({ type: z.literal('saml'), name: nameSchema, ...idpFields, ...settingsFields });
export const patchSchema = z.strictObject({ name: nameSchema.optional(), ...idpFields, ...settingsFields });
export const linkSchema = z.strictObject({ connection_id: z.string().min(1).max(40) });

/** Tenant-level SAML connections and their links to organizations (contract section 8). */
export function connectionsRoutes(connections: ConnectionsService, orgs: OrgsService, publicUrl: string): Router {
  const router = Router({ mergeParams: true });
  const toApi = (req: Request, { connection: c, certificates }: ConnectionView) => {
    const { start_url: _start, ...sp } = spUrls(publicUrl, ctxOf(req).tenant.slug, c.id);
    return {
      id: c.id,
      type: c.type,
      name: c.name,
      idp_entity_id: c.idp_entity_id,
      idp_sso_url: c.idp_sso_url,
      idp_certificates: certificates.map((cert) => ({ fingerprint_sha256: cert.fingerprint, not_after: iso(cert.not_after), pem: cert.pem })),
      attribute_mapping: c.attribute_mapping,
      jit: c.jit,
      signed: c.signed,
      allow_idp_initiated: c.allow_idp_initiated,
      role_mappings: c.role_mappings,
      sp: { ...sp, certificate: c.sp_certificate },
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
    };
  };
  const org = async (req: Request) => orgs.get(ctxOf(req).tenantId, String(req.params.orgId));

  router.post('/connections', async (req, res) => {
    res.status(201).json(toApi(req, await connections.create(ctxOf(req), parse(createSchema, req.body))));
  });
  router.get('/connections', async (req, res) => {
    const page = await connections.list(ctxOf(req).tenantId, parsePage(req.query));
    res.json({ data: page.data.map((v) => toApi(req, v)), next_cursor: page.next_cursor });
  });
  router.get('/connections/:connectionId', async (req, res) => {
    res.json(toApi(req, await connections.get(ctxOf(req).tenantId, req.params.connectionId)));
  });
  router.patch('/connections/:connectionId', async (req, res) => {
    res.json(toApi(req, await connections.update(ctxOf(req), req.params.connectionId, parse(patchSchema, req.body))));
  });
  router.delete('/connections/:connectionId', async (req, res) => {
    await connections.delete(ctxOf(req), req.params.connectionId);
    res.status(204).end();
  });

  router.post('/organizations/:orgId/connections', async (req, res) => {
    const { connection_id } = parse(linkSchema, req.body);
    res.status(201).json(toApi(req, await connections.link(ctxOf(req), (await org(req)).id, connection_id)));
  });
  router.get('/organizations/:orgId/connections', async (req, res) => {
    const linked = await connections.linkedTo(ctxOf(req).tenantId, (await org(req)).id);
    res.json({ data: linked.map((v) => toApi(req, v)), next_cursor: null });
  });
  router.delete('/organizations/:orgId/connections/:connectionId', async (req, res) => {
    await connections.unlink(ctxOf(req), (await org(req)).id, req.params.connectionId);
    res.status(204).end();
  });
  return router;
}
