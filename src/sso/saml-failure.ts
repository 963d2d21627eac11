import { AppError, type ErrorCode } from '../shared/errors';

/** Why a SAML sign-in was refused: recorded in `sso.login_failed` and asserted by tests. */
export type SamlFailureReason =
  | 'response_too_large'
  | 'malformed_response'
  | 'multiple_assertions'
  | 'signature_invalid'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'destination_mismatch'
  | 'recipient_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'idp_error'
  | 'status_not_success'
  | 'unknown_request'
  | 'relay_state_mismatch'
  | 'browser_binding_missing'
  | 'browser_binding_mismatch'
  | 'replayed_assertion'
  | 'idp_initiated_not_allowed'
  | 'missing_email'
  | 'jit_refused'
  | 'domain_not_verified'
  | 'user_blocked'
  | 'membership_suspended'
  | 'invitation_gone'
  | 'invitation_email_mismatch'
  | 'invitation_refused';

const CODE: Partial<Record<SamlFailureReason, ErrorCode>> = {
  response_too_large: 'payload_too_large',
  idp_initiated_not_allowed: 'forbidden',
  jit_refused: 'forbidden',
  domain_not_verified: 'forbidden',
  user_blocked: 'forbidden',
  membership_suspended: 'forbidden',
  invitation_gone: 'gone',
  invitation_email_mismatch: 'forbidden',
  invitation_refused: 'forbidden',
};

/** What the person sees: short, and never the validator's own message. */
const MESSAGE: Partial<Record<SamlFailureReason, string>> = {
  response_too_large: 'The sign-in response is too large.',
  expired: 'The sign-in response has expired. Please sign in again.',
  not_yet_valid: 'The sign-in response is not valid yet. Please check your clock and sign in again.',
  unknown_request: 'This sign-in was not started here, or was already used. Please sign in again.',
  replayed_assertion: 'This sign-in response was already used. Please sign in again.',
  status_not_success: 'Your identity provider did not sign you in. Please try again or contact your administrator.',
  browser_binding_missing: 'This sign-in was not started in this browser, or took too long. Please sign in again from the application.',
  browser_binding_mismatch: 'This sign-in was not started in this browser. Please sign in again from the application.',
  idp_initiated_not_allowed: 'Sign-in must start from this application, not from the identity provider.',
  missing_email: 'Your identity provider did not send an email address.',
  jit_refused: 'Your account is not a member of an organization that uses this sign-in.',
  domain_not_verified: 'Your email domain is not verified by an organization that uses this sign-in.',
  user_blocked: 'Your account is blocked.',
  membership_suspended: 'Your membership is suspended.',
  invitation_gone: 'This invitation can no longer be used: it was accepted, revoked or replaced, or it has expired.',
  invitation_email_mismatch: 'This invitation is for another email address. Sign in at your identity provider as the person the invitation was sent to.',
  invitation_refused: 'This invitation cannot be accepted.',
};

export class SamlFailure extends AppError {
  constructor(
    readonly reason: SamlFailureReason,
    cause?: unknown,
    /** extra facts for the `sso.login_failed` event (never secrets) */
    readonly eventData: Record<string, string> = {},
    /** what the person sees instead of the reason's own message (a message written for them) */
    message?: string,
  ) {
    super(CODE[reason] ?? 'invalid_request', message ?? MESSAGE[reason] ?? 'The sign-in response could not be accepted.', { cause });
  }
}

/** node-saml tells its failures apart only by message; this is the one place that reads them. */
export function reasonOfNodeSamlError(err: unknown): SamlFailureReason {
  const message = err instanceof Error ? err.message : String(err);
  if (/multiple assertions/i.test(message)) return 'multiple_assertions';
  if (/signature/i.test(message)) return 'signature_invalid';
  if (/issuer/i.test(message)) return 'issuer_mismatch';
  if (/audience/i.test(message)) return 'audience_mismatch';
  if (/not yet valid/i.test(message)) return 'not_yet_valid';
  if (/expired/i.test(message)) return 'expired';
  if ((err as { name?: string })?.name === 'SamlStatusError' || /provider returned/i.test(message)) return 'idp_error';
  return 'malformed_response';
}
