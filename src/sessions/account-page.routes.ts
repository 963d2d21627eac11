import { Router } from 'express';
import { pageHeaders } from '../pages/page-headers';
import { readCookie } from '../http/csrf';
import { errorPage, page } from '../pages/page.html';
import { escapeHtml as e } from '../shared/html';
import { SESSION_COOKIE } from './session-cookie';
import type { SessionsService } from './sessions.service';

/** `/t/{tenant}/account/organizations`: the signed-in person's organizations and roles. */
export function accountPageRoutes(sessions: SessionsService): Router {
  const router = Router({ mergeParams: true });
  router.use('/account', pageHeaders);
  router.get('/account/organizations', async (req, res) => {
    const tenant = String((req.params as Record<string, string>).tenant);
    const me = await sessions.me(tenant, readCookie(req, SESSION_COOKIE)).catch(() => null);
    if (!me) {
      res.status(401).type('html').send(errorPage('You are not signed in', 'Sign in through your organization to see your organizations.'));
      return;
    }
    const rows = me.organizations
      .map((o) => `<li>${e(o.name)} <span class="hint">(${e(o.slug)})</span> — ${e(o.role)}${o.id === me.organization?.id ? ' <strong>(current)</strong>' : ''}</li>`)
      .join('\n');
    const body = `<h1>Your organizations</h1>
<p>Signed in as <strong>${e(me.user.email)}</strong>.</p>
${rows ? `<ul>\n${rows}\n</ul>` : '<p>You are not a member of any organization.</p>'}
<form method="post" action="/t/${e(encodeURIComponent(tenant))}/logout"><button type="submit">Sign out</button></form>`;
    res.type('html').send(page({ title: 'Your organizations', branding: null, body }));
  });
  return router;
}
