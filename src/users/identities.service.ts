import type { UserRecord } from '../db/models';
import type { Tx } from '../db/transaction';
import type { IdentitiesRepository } from './identities.repository';

/** One way a user signs in or is provisioned, as `GET /users/{userId}` lists it. */
export interface Identity {
  type: 'password' | 'saml' | 'scim';
  connection_id?: string;
  directory_id?: string;
  subject: string;
  last_used_at: Date | null;
}

/** NameIDs longer than this are cut (the column's size); real IdPs send far shorter ones. */
const MAX_SUBJECT = 512;

/**
 * A user's identities (issue 22, seed 002), derived from what exists: a password hash is a
 * `password` identity (subject: the email), each directory's SCIM user linked to the user a
 * `scim` one (subject: its userName; last_used_at: the directory's last change of it), and each
 * SAML connection signed in through a `saml` one (subject: the NameID; recorded at every sign-in).
 */
export class IdentitiesService {
  constructor(private readonly repo: IdentitiesRepository) {}

  /** In the sign-in's transaction. An assertion without a NameID is recorded under the email it signed in. */
  recordSamlSignIn(userId: string, connectionId: string, nameId: string, email: string, at: Date, tx: Tx): Promise<void> {
    const subject = (nameId.trim() || email).slice(0, MAX_SUBJECT);
    return this.repo.recordSaml(userId, connectionId, subject, at, tx);
  }

  async list(user: UserRecord): Promise<Identity[]> {
    const [saml, scim] = await Promise.all([this.repo.saml(user.id), this.repo.scim(user.id)]);
    return [
      ...(user.password_hash ? [{ type: 'password' as const, subject: user.email, last_used_at: null }] : []),
      ...saml.map((s) => ({ type: 'saml' as const, connection_id: s.connection_id, subject: s.subject, last_used_at: new Date(s.last_used_at) })),
      ...scim.map((s) => ({ type: 'scim' as const, directory_id: s.directory_id, subject: s.user_name, last_used_at: new Date(s.updated_at) })),
    ];
  }
}
