/**
 * The cookie that binds an SP-initiated sign-in to the browser that started it (login CSRF):
 * set by start, required by the ACS for every answer to an AuthnRequest, cleared by the ACS.
 * It holds the RelayState issued with the request; only its SHA-256 is stored.
 *
 * The attacker knows the value of their own sign-in's cookie, so what protects the victim is
 * that nobody else can *set* it in the victim's browser. On https it is therefore a `__Host-`
 * cookie (issue 18, F7 review): browsers accept that name only `Secure`, from an https answer of
 * this very host, with `Path=/` and no `Domain` — so neither a sibling subdomain (`Domain=` the
 * parent) nor a network attacker answering a plain-http request to this host can plant one. The
 * connection's id is in the name, since `Path=/` no longer keeps two connections' cookies apart.
 */
export const BINDING_COOKIE = 'ob_saml_binding';

export interface BrowserBinding {
  value: string;
  connectionId: string;
  /** the ACS path: on plain http the browser sends the cookie there only */
  path: string;
  maxAgeSeconds: number;
}

/** `__Host-ob_saml_<connection id>` on https; `ob_saml_binding`, scoped to the ACS path, on plain http. */
export function bindingCookieName(connectionId: string, secure: boolean): string {
  // The id comes from the URL: only cookie-name characters (ours are `con_` + ULID) go in the name.
  return secure ? `__Host-${BINDING_COOKIE}_${connectionId.replace(/[^A-Za-z0-9_-]/g, '')}` : BINDING_COOKIE;
}

/**
 * The ACS is a cross-site POST from the IdP, on which browsers send no SameSite=Lax cookie, so
 * on https it is `SameSite=None; Secure`. Browsers refuse `SameSite=None` without `Secure`, so on
 * plain http (development) the attribute is left out: Firefox and Safari send the cookie, and
 * Chrome does within 2 minutes of start (its "Lax+POST" allowance) — see docs/sso.md.
 */
export function bindingCookieHeader(binding: BrowserBinding, secure: boolean): string {
  return cookie(binding.connectionId, binding.value, binding.path, binding.maxAgeSeconds, secure);
}

export function clearBindingCookieHeader(connectionId: string, acsPath: string, secure: boolean): string {
  return cookie(connectionId, '', acsPath, 0, secure);
}

function cookie(connectionId: string, value: string, acsPath: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${bindingCookieName(connectionId, secure)}=${value}`, `Path=${secure ? '/' : acsPath}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly'];
  if (secure) attrs.push('SameSite=None', 'Secure');
  return attrs.join('; ');
}
