import type { DirectSql } from '../db/direct-sql';

/** A user as the per-request token paths need them: who, and whether they may still sign in. */
export interface PersonRow {
  id: string;
  email: string;
  name: string | null;
  blocked: boolean;
}

/**
 * The user's id, email, name and blocked flag, straight to the driver: token claims (refresh,
 * userinfo, introspection) and `/me` run this on every request.
 */
export async function findPersonRow(sql: DirectSql, tenantId: string, userId: string): Promise<PersonRow | null> {
  const [row] = await sql.all<{ id: string; email: string; name: string | null; blocked: number | boolean }>(
    'SELECT id, email, name, blocked FROM users WHERE tenant_id = ? AND id = ?',
    [tenantId, userId],
  );
  return row ? { id: row.id, email: row.email, name: row.name, blocked: Boolean(Number(row.blocked)) } : null;
}
