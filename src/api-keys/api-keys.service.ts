import type { Clock } from '../shared/clock';
import type { Ctx } from '../shared/context';
import { NotFoundError } from '../shared/errors';
import { newId } from '../shared/ids';
import { toPage, type Page, type PageRequest } from '../shared/pagination';
import { PrefixedSecrets } from '../shared/prefixed-secret';
import type { Database } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';


export class ApiKeysService {
  private readonly secrets: PrefixedSecrets<ApiKeyRecord>;

  constructor(
    private readonly db: Database,
    private readonly repo: ApiKeysRepository,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {
    this.secrets = new PrefixedSecrets('obk', (prefix) => repo.findByPrefix(prefix), (row) => row.secret_hash, clock);
  }

  async create(ctx: Ctx, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const { prefix, secret: key, hash } = this.secrets.mint();
    const record = await this.db.transaction(async (tx) => {
      const row = await this.repo.insert({ id: newId('key'), tenant_id: ctx.tenantId, name, prefix, secret_hash: hash }, tx);
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
    this.secrets.forget(row.prefix);
  }

  /** Whether authenticating `presented` would read the database for a key prefix not seen lately. */
  wouldReadUnknown(presented: string): boolean {
    return this.secrets.wouldReadUnknown(presented);
  }

  /** The key's tenant and id when `presented` is a live key, else null. */
  async authenticate(presented: string): Promise<{ id: string; tenantId: string } | null> {
    const record = await this.secrets.verify(presented);
    if (!record || record.revoked_at) return null;
    return { id: record.id, tenantId: record.tenant_id };
  }
}
