import { Router } from 'express';
import { z } from 'zod';
import { iso, nameSchema } from '../shared/schemas';
import { ctxOf } from '../http/auth.middleware';
import { parse, parsePage } from '../http/validate';
import type { ApiKeyRecord } from './api-keys.repository';
import type { ApiKeysService } from './api-keys.service';

export const createSchema = z.strictObject({ name: nameSchema });

export const toApi = (k: ApiKeyRecord) => ({ id: k.id, name: k.name, created_at: iso(k.created_at), revoked_at: iso(k.revoked_at) });

export function apiKeysRoutes(apiKeys: ApiKeysService): Router {
  const router = Router({ mergeParams: true });
  router.post('/api-keys', async (req, res) => {
    const { name } = parse(createSchema, req.body);
    const { record, key } = await apiKeys.create(ctxOf(req), name);
    res.status(201).json({ id: record.id, name: record.name, key, created_at: iso(record.created_at) });
  });
  router.get('/api-keys', async (req, res) => {
    const page = await apiKeys.list(ctxOf(req).tenantId, parsePage(req.query));
    res.json({ data: page.data.map(toApi), next_cursor: page.next_cursor });
  });
  router.delete('/api-keys/:keyId', async (req, res) => {
    await apiKeys.revoke(ctxOf(req), req.params.keyId);
    res.status(204).end();
  });
  return router;
}
