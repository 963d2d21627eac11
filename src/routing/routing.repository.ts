import { marks } from '../db/direct-sql';
import type { Database } from '../db/transaction';

/** A verified domain with its organization and each SAML connection linked to that organization. */
export interface RouteRow {
  verified_key: string;
  organization_id: string;
  domain: string;
  include_subdomains: number | boolean;
  org_slug: string;
  org_name: string;
  org_auth_settings: string | null;
  connection_id: string | null;
  connection_name: string | null;
}

/**
 * The read model of login routing: one indexed query (the unique `verified_key` index, then
 * primary keys) answers every case — unknown, pending, verified with or without SSO — so the
 * cost of an answer does not tell them apart. It reads across the domains, organizations and
 * SSO tables on purpose: routing is the hot public path, and three services' lookups would be
 * three queries.
 */
export class RoutingRepository {
  constructor(private readonly db: Database) {}

  findByKeys(keys: string[]): Promise<RouteRow[]> {
    return this.db.sql.all<RouteRow>(
      `SELECT d.verified_key, d.organization_id, d.domain, d.include_subdomains,
              o.slug AS org_slug, o.name AS org_name, o.auth_settings AS org_auth_settings,
              c.id AS connection_id, c.name AS connection_name
       FROM domains d
       JOIN organizations o ON o.id = d.organization_id
       LEFT JOIN organization_connections oc ON oc.organization_id = d.organization_id
       LEFT JOIN connections c ON c.id = oc.connection_id
       WHERE d.verified_key IN (${marks(keys)})`,
      keys,
    );
  }
}
