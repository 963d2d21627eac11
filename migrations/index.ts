import * as m0001 from './0001-foundation';
import * as m0002 from './0002-invitations';
import * as m0003 from './0003-domains';
import * as m0004 from './0004-scim';
import * as m0005 from './0005-sso';
import * as m0006 from './0006-scim-order';
import * as m0007 from './0007-oidc';
import * as m0008 from './0008-scim-unlinked-users';
import * as m0009 from './0009-webhooks';
import * as m0010 from './0010-roles';
import * as m0011 from './0011-seeds';
import * as m0012 from './0012-seeds-invitation-sso';
import * as m0013 from './0013-portal-search';
import * as m0014 from './0014-oidc-session-amr';
import * as m0015 from './0015-input-scim-resource-size';

/** Every migration, in order. Append only: a landed migration is never edited. */
export const migrations = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0015];
