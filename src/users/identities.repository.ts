import type { Database, Tx } from '../db/transaction';

export interface SamlIdentityRow {
  connection_id: string;
  subject: string;
  last_used_at: Date | string;
}

export interface ScimIdentityRow {
  directory_id: string;
  user_name: string;
  updated_at: Date | string;
}

/** Reads and records the ways a user signs in (issue 22): saml_identities, and the scim_users linked to the user. */
export class IdentitiesRepository {
  constructor(private readonly db: Database) {}

  /** One row per (user, connection): the latest NameID and when it was used. */
  async recordSaml(userId: string, connectionId: string, subject: string, at: Date, tx: Tx): Promise<void> {
    const upsert =
      tx.sql.dialect === 'mysql'
        ? 'ON DUPLICATE KEY UPDATE subject = VALUES(subject), last_used_at = VALUES(last_used_at)'
        : 'ON CONFLICT (user_id, connection_id) DO UPDATE SET subject = excluded.subject, last_used_at = excluded.last_used_at';
    await tx.sql.run(
      `INSERT INTO saml_identities (user_id, connection_id, subject, last_used_at, created_at) VALUES (?, ?, ?, ?, ?) ${upsert}`,
      [userId, connectionId, subject, at, at],
      tx,
    );
  }

  saml(userId: string): Promise<SamlIdentityRow[]> {
    return this.db.sql.all('SELECT connection_id, subject, last_used_at FROM saml_identities WHERE user_id = ? ORDER BY last_used_at DESC, connection_id', [userId]);
  }

  scim(userId: string): Promise<ScimIdentityRow[]> {
    return this.db.sql.all('SELECT directory_id, user_name, updated_at FROM scim_users WHERE user_id = ? ORDER BY directory_id', [userId]);
  }
}
