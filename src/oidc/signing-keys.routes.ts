import { Router } from 'express';
import { ctxOf } from '../http/auth.middleware';
import { iso } from '../shared/schemas';
import type { SigningKeyRecord } from './signing-keys.repository';
import type { SigningKeysService } from './signing-keys.service';

export const toApi = (k: SigningKeyRecord) => ({ kid: k.id, alg: k.alg, status: k.status, created_at: iso(k.created_at), retired_at: iso(k.retired_at) });

/** `GET /signing-keys`, `POST /signing-keys/rotate` (contract section 8). */
export function signingKeysRoutes(keys: SigningKeysService): Router {
  const router = Router({ mergeParams: true });
  router.get('/signing-keys', async (req, res) => {
    const tenantId = ctxOf(req).tenantId;
    await keys.keysFor(tenantId); // a tenant always shows the key its provider signs with
    res.json({ data: (await keys.list(tenantId)).map(toApi), next_cursor: null });
  });
  router.post('/signing-keys/rotate', async (req, res) => {
    res.status(201).json(toApi(await keys.rotate(ctxOf(req))));
  });
  return router;
}
