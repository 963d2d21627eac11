import type { RoleRecord } from '../db/models';
import { documentHead } from '../pages/page.html';
import { escapeHtml as e } from '../shared/html';
import type { Branding } from '../tenants/settings';
import type { PortalViewer } from './portal-access';

/** Every tab of an organization's page (contract section 11), in the order of the tab bar. */
export const PORTAL_TABS = [
  { key: 'members', label: 'Members' },
  { key: 'roles', label: 'Roles' },
  { key: 'invitations', label: 'Invitations' },
  { key: 'domains', label: 'Domains' },
  { key: 'sso', label: 'SSO' },
  { key: 'directories', label: 'Directories' },
  { key: 'settings', label: 'Settings' },
  { key: 'events', label: 'Events' },
] as const;
export type PortalTab = (typeof PORTAL_TABS)[number]['key'];

export interface PortalFrame {
  title: string;
  viewer: PortalViewer;
  /** The effective branding: the organization's when one is in context, else the tenant's. */
  branding: Branding;
  /** The organization in context (its tab bar is shown). */
  org?: { id: string; name: string; slug: string };
  tab?: PortalTab;
  notice?: string;
  error?: string;
  body: string;
}

/** `/t/{tenant}/portal` */
export const portalBase = (tenantSlug: string) => `/t/${encodeURIComponent(tenantSlug)}/portal`;
/** `/t/{tenant}/portal/organizations/{orgId}[/tab]` */
export const orgPath = (tenantSlug: string, orgId: string, tab?: string) =>
  `${portalBase(tenantSlug)}/organizations/${encodeURIComponent(orgId)}${tab ? `/${tab}` : ''}`;

export const noticeBox = (notice?: string) => (notice ? `<p class="notice" role="status">${e(notice)}</p>` : '');
export const errorBox = (error?: string) => (error ? `<p class="error" role="alert">${e(error)}</p>` : '');

/** The hidden CSRF field every portal form carries (the same value on every form of the session). */
export const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${e(csrf)}">`;

/** One `<option>` per role (`Name (key)`), the role `selected` chosen: every role picker of the portal. */
export const roleOptions = (roles: RoleRecord[], selected: string) =>
  roles.map((r) => `<option value="${e(r.key)}"${r.key === selected ? ' selected' : ''}>${e(r.name)} (${e(r.key)})</option>`).join('');

/**
 * The portal's shell: branded header (logo, colour through /assets/brand.css, welcome text),
 * navigation, the organization's tab bar, and no inline script or style.
 */
export function portalPage(f: PortalFrame): string {
  const slug = f.viewer.tenant.slug;
  const logo = f.branding.logo_url?.startsWith('https://') ? `<img class="logo" src="${e(f.branding.logo_url)}" alt="">` : '';
  const welcome = f.branding.welcome_text ? `<p class="welcome">${e(f.branding.welcome_text)}</p>` : '';
  const context = f.org ? `${e(f.viewer.tenant.name)} › <strong>${e(f.org.name)}</strong>` : `<strong>${e(f.viewer.tenant.name)}</strong>`;
  const showOrgList = f.viewer.tenantAdmin || f.viewer.administers.length > 1;
  const nav = [
    showOrgList ? `<a href="${portalBase(slug)}/organizations">Organizations</a>` : '',
    `<a href="/t/${e(encodeURIComponent(slug))}/account/organizations">Your account</a>`,
  ].filter(Boolean).join('\n');
  const tabs = f.org
    ? `<nav class="tabs" aria-label="Organization">
<ul>
${PORTAL_TABS.map((t) => `<li><a href="${e(orgPath(slug, f.org!.id, t.key))}" id="tab-${t.key}"${t.key === f.tab ? ' aria-current="page"' : ''}>${t.label}</a></li>`).join('\n')}
</ul>
</nav>`
    : '';
  const assets = '<link rel="stylesheet" href="/assets/portal.css">\n<script src="/assets/portal.js" defer></script>\n';
  return `${documentHead(`${f.title} · ${f.viewer.tenant.name} portal`, f.branding, assets)}
<body class="portal">
<header class="portal-header">
<div class="brand">${logo}<p class="context">${context}</p>${welcome}</div>
<nav class="portal-nav" aria-label="Portal">
${nav}
<span class="hint">${e(f.viewer.user.email)}</span>
<form method="post" action="/t/${e(encodeURIComponent(slug))}/logout" class="inline-form"><button type="submit" class="secondary">Sign out</button></form>
</nav>
</header>
${tabs}
<main id="content">
<h1>${e(f.title)}</h1>
${noticeBox(f.notice)}${errorBox(f.error)}
${f.body}
</main>
</body>
</html>
`;
}
