import type { Tx } from '../db/transaction';

/** What an invitation's `client_id` needs of its application (implemented over src/oidc/applications). */
export interface InvitedApplication {
  redirectUris: string[];
  initiateLoginUri: string | null;
}

export interface ApplicationLookup {
  /** The tenant's application with this `app_` id or OIDC client_id; null when none. */
  find(tenantId: string, idOrClientId: string, tx?: Tx): Promise<InvitedApplication | null>;
}

/** The http(s) origins of an application's redirect URIs, in their order (native app schemes have none). */
export function webOrigins(app: InvitedApplication): string[] {
  const origins = app.redirectUris.map((u) => URL.parse(u)).filter((u) => u && (u.protocol === 'https:' || u.protocol === 'http:')).map((u) => u!.origin);
  return [...new Set(origins)];
}

/**
 * Where the browser goes after accepting an invitation for an application without a `return_to`:
 * the application's `initiate_login_uri`, else its first web redirect URI's origin; null without
 * any of them.
 */
export function applicationTarget(app: InvitedApplication | null): string | null {
  if (!app) return null;
  return app.initiateLoginUri ?? webOrigins(app)[0] ?? null;
}
