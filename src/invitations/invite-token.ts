import { randomSecret, sha256Hex } from '../shared/crypto';

/** An invitation link's secret: 32 random bytes, only its sha256 is stored. */
export function newInviteToken(): { token: string; hash: string } {
  const token = randomSecret(32);
  return { token, hash: hashInviteToken(token) };
}

export const hashInviteToken = (token: string): string => sha256Hex(token);

/** One pending invitation per (tenant, organization or tenant level, email): the unique key while pending. */
export function pendingKey(tenantId: string, organizationId: string | null, emailNormalized: string): string {
  return sha256Hex(`${tenantId}\n${organizationId ?? '-'}\n${emailNormalized}`);
}

export function inviteUrl(publicUrl: string, tenantSlug: string, token: string): string {
  return `${publicUrl}/t/${encodeURIComponent(tenantSlug)}/invitations/accept?token=${encodeURIComponent(token)}`;
}
