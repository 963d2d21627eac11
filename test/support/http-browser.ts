/** No imports of the app: the OIDC benchmark drives the hosted pages with it too. */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser as far as these flows need one: a cookie jar honouring Path and Max-Age, redirects
 * followed by hand, forms posted urlencoded.
 */
export class Browser {
  private cookies: StoredCookie[] = [];

  constructor(readonly base: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> | URLSearchParams } = {}): Promise<Response> {
    const target = new URL(url, this.base);
    const cookie = this.cookies
      .filter((c) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const res = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const header of res.headers.getSetCookie()) this.store(header, target.pathname);
    return res;
  }

  private store(header: string, requestPath: string): void {
    const [pair, ...attrs] = header.split(';').map((p) => p.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    const attr = (key: string) => attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=').slice(1).join('=');
    const path = attr('path') ?? requestPath.replace(/\/[^/]*$/, '') ?? '/';
    const maxAge = attr('max-age');
    const expires = attr('expires');
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    const gone = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && new Date(expires).getTime() < Date.now());
    if (!gone) this.cookies.push({ name, value, path });
  }
}

export const csrfOf = (html: string): string => {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no csrf field in page: ${html.slice(0, 300)}`);
  return match[1]!;
};

/**
 * Goes from an authorization URL to the app's callback URL, signing in on the hosted pages
 * (email, then password) and picking `pick` on the organization page if one is shown.
 */
export async function authorizeAs(browser: Browser, url: URL | string, who: { email: string; password: string }, pick?: string): Promise<URL> {
  let res = await browser.request(String(url));
  for (let hops = 0; hops < 20; hops++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, browser.base);
      if (next.origin !== browser.base) return next; // the app's redirect URI
      if (next.searchParams.has('code') || next.searchParams.has('error')) return next;
      res = await browser.request(next.href);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`sign-in stopped at ${res.status}: ${html.slice(0, 400)}`);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`no form on page: ${html.slice(0, 300)}`);
    const interaction = /name="interaction" value="([^"]+)"/.exec(html)?.[1];
    const base = { csrf: csrfOf(html), ...(interaction ? { interaction } : {}) };
    if (html.includes('name="organization"')) {
      if (!pick) throw new Error('an organization picker was shown but no pick given');
      res = await browser.request(action, { form: { ...base, organization: pick } });
    } else if (html.includes('name="password"')) {
      res = await browser.request(action, { form: { ...base, email: who.email, password: who.password } });
    } else {
      res = await browser.request(action, { form: { ...base, email: who.email } });
    }
  }
  throw new Error('too many redirects');
}
