/**
 * Authentication methods of a sign-in (RFC 8176 `amr`): `pwd` the password, `otp` a TOTP or
 * recovery code, `fed` a federated (SAML) sign-in — the organization's IdP applies its own MFA
 * policy, so orgbridge asks no second factor after it (the value Entra ID uses for the same).
 */
export type Amr = readonly string[];

export const amrOf = (method: 'password' | 'password+totp' | 'password+recovery_code'): string[] => (method === 'password' ? ['pwd'] : ['pwd', 'otp']);

/** Whether a sign-in meets `require_mfa`. */
export const mfaSatisfied = (amr: Amr | undefined): boolean => Boolean(amr && (amr.includes('otp') || amr.includes('fed')));
