import { Router, type Request, type Response } from 'express';
import type { Container } from '../container';
import { parse } from '../http/validate';
import { patchOrgSchema } from '../orgs/orgs.schemas';
import { ValidationError } from '../shared/errors';
import { escapeHtml as e, safeColor } from '../shared/html';
import { AUTH_FIELDS, BRANDING_FIELDS, BUILT_IN_AUTH, BUILT_IN_BRANDING, fullAuthSettings, fullBranding } from '../tenants/settings';
import { csrfField, orgPath } from './layout.html';
import { field, noticeOf, orgOf, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES = { saved: 'The settings were saved.' };

type Field = (typeof BRANDING_FIELDS)[number] | (typeof AUTH_FIELDS)[number];
const LABELS: Record<Field, string> = {
  logo_url: 'Logo URL (https)',
  primary_color: 'Primary colour (#rrggbb)',
  welcome_text: 'Welcome text',
  custom_domain: 'Custom domain',
  password_min_length: 'Minimum password length (8-128)',
  require_mfa: 'Require two-step sign-in (TOTP)',
  session_ttl_hours: 'Session lifetime in hours (1-720)',
  max_login_attempts: 'Wrong passwords before a lockout (1-100)',
  lockout_duration_minutes: 'Lockout duration in minutes (1-1440)',
  default_connection_id: 'Default SSO connection (one linked to the organization)',
};
const NUMBER_FIELDS = new Set<Field>(['password_min_length', 'session_ttl_hours', 'max_login_attempts', 'lockout_duration_minutes']);

const isSet = (v: unknown) => v !== null && v !== undefined;
/** A setting's value as the page writes it: `none` when it has none. */
const asText = (v: unknown) => (isSet(v) && v !== '' ? String(v) : 'none');

/** What the form shows per field: empty (inherit) or the organization's own value. */
type Values = Partial<Record<Field, string>>;

/**
 * Settings: the organization's branding and auth settings. Each field shows the organization's
 * own value (empty: inherit), the effective value and where it comes from (this organization, the
 * tenant, or the built-in default). Saving sends a merge patch (empty → null, inherit again)
 * through OrgsService#patch. The preview box shows the effective branding as saved; with
 * /assets/portal.js it follows the inputs as they are typed.
 */
export function settingsTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  const render = async (req: Request, res: Response, problem?: Problem, submitted?: Values) => {
    const { viewer, org, csrf, effective } = orgOf(res);
    const path = orgPath(viewer.tenant.slug, org.id, 'settings');
    const own = { ...fullBranding(org.branding), ...fullAuthSettings(org.auth_settings) } as Record<Field, unknown>;
    const tenantSettings = c.tenants.settingsOf(viewer.tenant);
    const tenantValue = { ...tenantSettings.branding, ...tenantSettings.auth_settings } as Record<Field, unknown>;
    const builtIn = { ...BUILT_IN_BRANDING, ...BUILT_IN_AUTH } as Record<Field, unknown>;
    const effectiveValue = { ...effective.branding, ...effective.auth_settings } as Record<Field, unknown>;
    const shown = (f: Field): string => (submitted ? (submitted[f] ?? '') : isSet(own[f]) ? String(own[f]) : '');
    const inherited = (f: Field) => tenantValue[f] ?? builtIn[f];
    const linked = (await c.connections.linkedTo(viewer.tenant.id, org.id)).map((v) => v.connection);

    const row = (f: Field) => {
      const source = isSet(own[f]) ? '<span class="badge set">set on this organization</span>' : isSet(tenantValue[f]) ? '<span class="badge">inherited from the tenant</span>' : '<span class="badge">built-in default</span>';
      const eff = effectiveValue[f];
      const effText = typeof eff === 'boolean' ? (eff ? 'yes' : 'no') : asText(eff);
      const inheritedText = asText(inherited(f));
      const describedBy = `${f}-effective`;
      let input: string;
      if (f === 'require_mfa') {
        const v = shown(f);
        input = `<select id="${f}" name="${f}" aria-describedby="${describedBy}"><option value=""${v === '' ? ' selected' : ''}>Inherit (${e(inheritedText === 'true' ? 'yes' : 'no')})</option><option value="true"${v === 'true' ? ' selected' : ''}>Yes</option><option value="false"${v === 'false' ? ' selected' : ''}>No</option></select>`;
      } else if (f === 'default_connection_id') {
        const v = shown(f);
        const options = linked.map((conn) => `<option value="${e(conn.id)}"${v === conn.id ? ' selected' : ''}>${e(conn.name)} (${e(conn.id)})</option>`);
        if (v && !linked.some((conn) => conn.id === v)) options.push(`<option value="${e(v)}" selected>${e(v)}</option>`);
        input = `<select id="${f}" name="${f}" aria-describedby="${describedBy}"><option value=""${v === '' ? ' selected' : ''}>Inherit (${e(inheritedText)})</option>${options.join('')}</select>`;
      } else if (f === 'welcome_text') {
        input = `<textarea id="${f}" name="${f}" maxlength="2000" aria-describedby="${describedBy}" placeholder="${e(inheritedText === 'none' ? '' : inheritedText)}">${e(shown(f))}</textarea>`;
      } else {
        const type = NUMBER_FIELDS.has(f) ? 'number' : f === 'logo_url' ? 'url' : 'text';
        input = `<input id="${f}" name="${f}" type="${type}" value="${e(shown(f))}" aria-describedby="${describedBy}" placeholder="${e(inheritedText === 'none' ? '' : `inherit: ${inheritedText}`)}">`;
      }
      return `<div class="setting" data-field="${f}">
<label for="${f}">${e(LABELS[f])}</label>
${input}
<p class="hint" id="${describedBy}">Effective: <strong>${e(effText)}</strong> ${source}${isSet(own[f]) ? ` <span class="hint">(empty to inherit ${e(inheritedText)})</span>` : ''}</p>
</div>`;
    };

    const brand = effective.branding;
    const inheritedColor = safeColor((tenantValue.primary_color as string | null) ?? null, '#1f6feb');
    const inheritedLogo = (tenantValue.logo_url as string | null) ?? '';
    const inheritedWelcome = (tenantValue.welcome_text as string | null) ?? '';
    const logo = brand.logo_url?.startsWith('https://') ? brand.logo_url : '';
    const preview = `<section aria-labelledby="preview-heading">
<h2 id="preview-heading">Preview</h2>
<div class="preview" id="branding-preview" data-inherited-color="${e(inheritedColor)}" data-inherited-logo="${e(inheritedLogo)}" data-inherited-welcome="${e(inheritedWelcome)}">
<div class="preview-card">
<img id="preview-logo" class="logo" alt=""${logo ? ` src="${e(logo)}"` : ' hidden'}>
<p><strong>Sign in to ${e(org.name)}</strong></p>
<p id="preview-welcome">${e(brand.welcome_text ?? '')}</p>
<span class="preview-button">Continue</span>
</div>
<p class="hint">As the hosted pages show it (effective colour <code>${e(safeColor(brand.primary_color, '#1f6feb'))}</code>).</p>
</div>
</section>`;

    const body = `<form method="post" action="${e(path)}" id="settings-form">
${csrfField(csrf)}
<div class="settings-grid">
<div>
<fieldset><legend>Branding</legend>
${BRANDING_FIELDS.map(row).join('\n')}
</fieldset>
<fieldset><legend>Authentication</legend>
${AUTH_FIELDS.map(row).join('\n')}
</fieldset>
<button type="submit">Save settings</button>
</div>
<div>${preview}</div>
</div>
</form>`;
    sendOrgPage(res, { tab: 'settings', title: 'Settings', body, status: problem?.status, error: problem?.message, notice: noticeOf(req, NOTICES) });
  };

  router.get('/', (req, res) => render(req, res));
  router.post('/', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    const submitted: Values = {};
    for (const f of [...BRANDING_FIELDS, ...AUTH_FIELDS]) submitted[f] = field(req, f) ?? '';
    try {
      const value = (f: Field): unknown => {
        const raw = submitted[f] ?? '';
        if (raw === '') return null;
        if (f === 'require_mfa') return raw === 'true' ? true : raw === 'false' ? false : raw;
        if (NUMBER_FIELDS.has(f)) {
          if (!/^\d{1,6}$/.test(raw)) throw new ValidationError(`${f} must be a whole number`, { details: [{ path: f, message: 'not a whole number' }] });
          return Number(raw);
        }
        return raw;
      };
      const patch = parse(
        patchOrgSchema,
        {
          branding: Object.fromEntries(BRANDING_FIELDS.map((f) => [f, value(f)])),
          auth_settings: Object.fromEntries(AUTH_FIELDS.map((f) => [f, value(f)])),
        },
        'form',
      );
      await c.orgs.patch(ctx, org.id, patch);
      redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'settings'), 'saved');
    } catch (err) {
      await render(req, res, refusalOf(err), submitted);
    }
  });
  return router;
}
