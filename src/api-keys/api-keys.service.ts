import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { randomSecret, safeEqualHex, sha256Hex } from '../shared/crypto';
import { NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { SECRET_CACHE_TTL_MS, TtlCache } from '../shared/ttl-cache';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';

/** Keys look like `obk_<16 hex prefix>_<secret>`; the prefix finds the row, the hash proves the secret. */
const KEY_PATTERN = /^obk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;


export class ApiKeysService {
  private readonly cache: TtlCache<ApiKeyRecord>;

  constructor(
    private readonly db: Database,
    private readonly repo: ApiKeysRepository,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(SECRET_CACHE_TTL_MS, 10_000, () => clock.now().getTime());
  }

  async create(ctx: Ctx, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const prefix = randomBytes(8).toString('hex');
    const key = `obk_${prefix}_${randomSecret(32)}`;
    const record = await this.db.transaction(async (tx) => {
      const row = await this.repo.insert({ id: newId('key'), tenant_id: ctx.tenantId, name, prefix, secret_hash: sha256Hex(key) }, tx);
      this.events.record(ctx, tx, { type: 'api_key.created', target: { type: 'api_key', id: row.id }, data: { name } });
      return row;
    });
    return { record, key };
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const rows = await this.repo.list(tenantId, page.limit + 1, page.after);
    return toPage(rows, page.limit, (r) => r.id, (r) => r);
  }

  async revoke(ctx: Ctx, id: string): Promise<void> {
    const row = await this.db.transaction(async (tx) => {
      const revoked = await this.repo.revoke(ctx.tenantId, id, this.clock.now(), tx);
      if (!revoked) throw new NotFoundError('api key', id);
      this.events.record(ctx, tx, { type: 'api_key.revoked', target: { type: 'api_key', id }, data: { name: revoked.name } });
      return revoked;
    });
    this.cache.delete(row.prefix);
  }

  /** The key's tenant and id when `presented` is a live key, else null. */
  async authenticate(presented: string): Promise<{ id: string; tenantId: string } | null> {
    const m = KEY_PATTERN.exec(presented);
    if (!m) return null;
    const prefix = m[1]!;
    let record = this.cache.get(prefix);
    if (!record) {
      const found = await this.repo.findByPrefix(prefix);
      if (!found) return null;
      record = found;
      this.cache.set(prefix, found);
    }
    if (record.revoked_at || !safeEqualHex(sha256Hex(presented), record.secret_hash)) return null;
    return { id: record.id, tenantId: record.tenant_id };
  }
}
