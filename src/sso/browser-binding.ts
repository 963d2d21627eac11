/**
 * The cookie that binds an SP-initiated sign-in to the browser that started it (login CSRF):
 * set by start, required by the ACS for every answer to an AuthnRequest, cleared by the ACS.
 * It holds the RelayState issued with the request; only its SHA-256 is stored.
 */
export const BINDING_COOKIE = 'ob_saml_binding';

export interface BrowserBinding {
  value: string;
  /** the ACS path: the browser sends the cookie there only */
  path: string;
  maxAgeSeconds: number;
}

/**
 * The ACS is a cross-site POST from the IdP, on which browsers send no SameSite=Lax cookie, so
 * on https it is `SameSite=None; Secure`. Browsers refuse `SameSite=None` without `Secure`, so on
 * plain http (development) the attribute is left out: Firefox and Safari send the cookie, and
 * Chrome does within 2 minutes of start (its "Lax+POST" allowance) — see docs/sso.md.
 */
export function bindingCookieHeader(binding: BrowserBinding, secure: boolean): string {
  return cookie(binding.value, binding.path, binding.maxAgeSeconds, secure);
}

export function clearBindingCookieHeader(path: string, secure: boolean): string {
  return cookie('', path, 0, secure);
}

function cookie(value: string, path: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${BINDING_COOKIE}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly'];
  if (secure) attrs.push('SameSite=None', 'Secure');
  return attrs.join('; ');
}
