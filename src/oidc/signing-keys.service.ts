import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Database, Tx } from '../db/transaction';
import type { EventsService } from '../events/events.service';
import type { Clock } from '../shared/clock';
import { SYSTEM_ACTOR, type Ctx } from '../shared/context';
import { newId } from '../shared/ids';
import type { SecretBox } from '../shared/secret-box';
import type { SigningKeyRecord, SigningKeysRepository } from './signing-keys.repository';

export const SIGNING_ALG = 'ES256';
/**
 * A retired key stays published this long: longer than any token it signed lives
 * (access tokens 10 min, ID tokens 1 h), so those tokens keep verifying after a rotation.
 */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3600_000;

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

/** The keys a tenant's provider signs with (the first) and publishes (all). */
export interface TenantKeys {
  /** Changes whenever the set changes, so a cached provider knows to rebuild. */
  version: string;
  privateJwks: SigningJwk[];
  publicJwks: SigningJwk[];
}

/** Per-tenant ES256 signing keys; private halves are sealed with SECRET_KEY. */
export class SigningKeysService {
  private readonly rotated: Array<(tenantId: string) => void> = [];

  constructor(
    private readonly db: Database,
    private readonly repo: SigningKeysRepository,
    private readonly box: SecretBox,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  /** The tenant's published keys, the signing one first; the first key is made on first use. */
  async keysFor(tenantId: string): Promise<TenantKeys> {
    let rows = await this.published(tenantId);
    if (!rows.some((r) => r.status === 'active')) {
      await this.db.transaction(async (tx) => {
        // re-read inside the transaction: another request may have made it meanwhile
        if (!(await this.published(tenantId, tx)).some((r) => r.status === 'active')) await this.create(tenantId, tx);
      });
      rows = await this.published(tenantId);
    }
    // Two processes making the first key at once leave two active keys: the newest signs.
    const ordered = [...rows.filter((r) => r.status === 'active'), ...rows.filter((r) => r.status !== 'active')];
    return {
      version: ordered.map((r) => `${r.id}:${r.status}`).join(','),
      privateJwks: ordered.map((r) => JSON.parse(this.box.open(r.private_jwk_encrypted)) as SigningJwk),
      publicJwks: ordered.map((r) => JSON.parse(r.public_jwk) as SigningJwk),
    };
  }

  /**
   * The tenant's published (public) keys and their version, for verifying its tokens: nothing
   * is made or unsealed here (a tenant without keys has issued no token).
   */
  async publishedKeys(tenantId: string): Promise<{ version: string; publicJwks: SigningJwk[] }> {
    const rows = await this.published(tenantId);
    return { version: rows.map((r) => `${r.id}:${r.status}`).join(','), publicJwks: rows.map((r) => JSON.parse(r.public_jwk) as SigningJwk) };
  }

  /** Called after a rotation commits (this process's providers switch keys at once). */
  onRotated(listener: (tenantId: string) => void): void {
    this.rotated.push(listener);
  }

  list(tenantId: string): Promise<SigningKeyRecord[]> {
    return this.repo.listAll(tenantId);
  }

  /** A new active key; the previous ones are retired but stay published (RETIRED_KEY_PUBLISHED_MS). */
  async rotate(ctx: Ctx): Promise<SigningKeyRecord> {
    const key = await this.db.transaction(async (tx) => {
      const retired = await this.repo.retireActive(ctx.tenantId, this.clock.now(), tx);
      const key = await this.create(ctx.tenantId, tx);
      this.events.record(ctx, tx, { type: 'signing_key.rotated', target: { type: 'signing_key', id: key.id }, data: { kid: key.id, alg: key.alg, retired } });
      return key;
    });
    for (const listener of this.rotated) listener(ctx.tenantId);
    return key;
  }

  private published(tenantId: string, tx?: Tx): Promise<SigningKeyRecord[]> {
    return this.repo.listPublished(tenantId, new Date(this.clock.now().getTime() - RETIRED_KEY_PUBLISHED_MS), tx);
  }

  private async create(tenantId: string, tx: Tx): Promise<SigningKeyRecord> {
    const kid = newId('sig');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const meta = { kid, alg: SIGNING_ALG, use: 'sig' as const };
    const privateJwk = { ...privateKey.export({ format: 'jwk' }), ...meta };
    const publicJwk = { ...publicKey.export({ format: 'jwk' }), ...meta };
    const row = await this.repo.insert(
      { id: kid, tenant_id: tenantId, alg: SIGNING_ALG, private_jwk_encrypted: this.box.seal(JSON.stringify(privateJwk)), public_jwk: JSON.stringify(publicJwk) },
      tx,
    );
    this.events.record({ tenantId, actor: SYSTEM_ACTOR }, tx, { type: 'signing_key.created', target: { type: 'signing_key', id: kid }, data: { kid, alg: SIGNING_ALG } });
    return row;
  }
}
