import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../shared/clock';
import type { OidcPayloadsRepository } from './oidc-payloads.repository';

/** One purge of expired rows per this many writes (no timer to run or stop). */
const PURGE_EVERY = 200;
let writes = 0;

/**
 * oidc-provider's storage on our database, so any process can continue a flow another started.
 * `clients` answers the `Client` model from the applications table; every other model is a
 * row of `oidc_payloads`. A consumed artifact (a used code or rotated refresh token) keeps its
 * row with `consumed_at`, which is how oidc-provider detects reuse and revokes the grant.
 */
export function adapterFactory(deps: {
  tenantId: string;
  repo: OidcPayloadsRepository;
  clock: Clock;
  clients: (clientId: string) => Promise<AdapterPayload | undefined>;
}): (name: string) => Adapter {
  const { tenantId, repo, clock } = deps;
  const toPayload = (row: { payload: string; expires_at: Date | null; consumed_at: Date | null } | null): AdapterPayload | undefined => {
    if (!row || (row.expires_at && row.expires_at <= clock.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
  };

  return (model: string): Adapter => {
    if (model === 'Client') {
      return {
        find: (id) => deps.clients(id),
        upsert: async () => undefined, // applications are written by the admin API only
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: async () => undefined,
        destroy: async () => undefined,
        revokeByGrantId: async () => undefined,
      };
    }
    return {
      async upsert(id, payload, expiresIn) {
        await repo.upsert({
          model,
          id,
          tenant_id: tenantId,
          payload: JSON.stringify(payload),
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
          user_code: payload.userCode ?? null,
          expires_at: expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null,
        });
        if (++writes % PURGE_EVERY === 0) await repo.purgeExpired(clock.now());
      },
      find: async (id) => toPayload(await repo.findBy(model, { id })),
      findByUid: async (uid) => toPayload(await repo.findBy(model, { uid })),
      findByUserCode: async (userCode) => toPayload(await repo.findBy(model, { user_code: userCode })),
      consume: (id) => repo.consume(model, id, clock.now()),
      destroy: (id) => repo.destroy(model, id),
      revokeByGrantId: (grantId) => repo.destroyGrant(model, grantId),
    };
  };
}
