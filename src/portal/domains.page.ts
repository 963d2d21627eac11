import { Router, type Response } from 'express';
import type { Container } from '../container';
import type { DomainRecord, VerificationMethod } from '../db/models';
import { domainToApi } from '../domains/domains.dto';
import { addSchema as domainAddSchema } from '../domains/domains.routes'; // the admin API's rules
import type { VerifyResult } from '../domains/domains.service';
import { METHODS } from '../domains/verifiers/check';
import { parse } from '../http/validate';
import { escapeHtml as e } from '../shared/html';
import { csrfField, orgPath } from './layout.html';
import { field, noticeOf, orgOf, redirectWithNotice, refusalOf, sendOrgPage, type Problem } from './portal-context';

const NOTICES: Record<string, string> = {
  domain_added: 'The domain was added. Publish one of the three proofs below, then choose “Verify now”.',
  domain_removed: 'The domain was removed.',
};
const METHOD_LABELS: Record<string, string> = { dns_txt: 'DNS TXT record', meta_tag: 'HTML meta tag', file: 'Well-known file' };
/** An organization has a handful of domains; the tab shows up to this many. */
const LIST_LIMIT = 200;

const when = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace('.000Z', 'Z') : '—');

/** The three ways to prove the domain (contract section 7), exactly as the admin API gives them. */
function instructions(d: DomainRecord): string {
  const v = domainToApi(d).verification;
  return `<details${d.status === 'pending' ? ' open' : ''}>
<summary>How to verify ${e(d.domain)}</summary>
<p>Publish any one of these, then choose “Verify now”.</p>
<dl class="verification">
<dt>${METHOD_LABELS.dns_txt} <span class="hint">(recommended)</span></dt>
<dd>Name: <code data-copy="dns-name">${e(v.dns_txt.name)}</code><br>Type: <code>TXT</code><br>Value: <code data-copy="dns-value">${e(v.dns_txt.value)}</code></dd>
<dt>${METHOD_LABELS.meta_tag}</dt>
<dd>In the <code>&lt;head&gt;</code> of <code>https://${e(d.domain)}/</code>: <code data-copy="meta">${e(v.meta_tag.html)}</code></dd>
<dt>${METHOD_LABELS.file}</dt>
<dd>Serve <code data-copy="file-url">${e(v.file.url)}</code> with the content <code data-copy="file-content">${e(v.file.content)}</code></dd>
</dl>
</details>`;
}

function resultBox(domain: DomainRecord, result: VerifyResult): string {
  const rows = result.checks
    .map((c) => `<li>${e(METHOD_LABELS[c.method] ?? c.method)}: <strong>${c.ok ? 'passed' : 'failed'}</strong> — ${e(c.detail)}</li>`)
    .join('\n');
  return `<section class="${result.status === 'verified' ? 'notice' : 'error'}" role="status" aria-labelledby="result-heading" data-result="${e(result.status)}">
<h2 id="result-heading">${e(domain.domain)} is ${result.status === 'verified' ? 'verified' : 'not verified yet'}</h2>
<ul>${rows}</ul>
</section>`;
}

/**
 * The organization's Domains tab: its domains with status and last check, adding one, the three
 * verification instructions, "Verify now" (every method, or one) and removal. Everything goes
 * through DomainsService, as the admin API does.
 */
export function domainsTab(c: Container): Router {
  const router = Router({ mergeParams: true });

  const show = async (res: Response, p: { problem?: Problem; notice?: string; result?: { domainId: string; result: VerifyResult }; typed?: string } = {}) => {
    const { viewer, org, csrf } = orgOf(res);
    const base = orgPath(viewer.tenant.slug, org.id, 'domains');
    const domains = (await c.domains.list(viewer.tenant.id, org.id, { limit: LIST_LIMIT })).data;
    const checked = p.result;
    const checkedDomain = checked && domains.find((d) => d.id === checked.domainId);
    const methodOptions = `<option value="">every method</option>${METHODS.map((m) => `<option value="${m}">${METHOD_LABELS[m]}</option>`).join('')}`;
    const rows = domains
      .map(
        (d) => `<tr data-domain="${e(d.id)}">
<td><strong>${e(d.domain)}</strong>${d.include_subdomains ? ' <span class="badge">and subdomains</span>' : ''}</td>
<td><span class="badge${d.status === 'verified' ? ' set' : ''}" data-status="${e(d.status)}">${e(d.status)}</span>${d.method ? ` <span class="hint">by ${e(METHOD_LABELS[d.method] ?? d.method)}</span>` : ''}</td>
<td>${when(d.verified_at)}</td>
<td>${when(d.last_checked_at)}</td>
<td>
<form method="post" action="${e(base)}/${e(encodeURIComponent(d.id))}/verify" class="row-form">
${csrfField(csrf)}
<label for="method-${e(d.id)}">Method</label>
<select id="method-${e(d.id)}" name="method">${methodOptions}</select>
<button type="submit">Verify now</button>
</form>
<form method="post" action="${e(base)}/${e(encodeURIComponent(d.id))}/remove" class="row-form">
${csrfField(csrf)}
<button type="submit" class="danger" aria-label="Remove ${e(d.domain)}">Remove</button>
</form>
</td>
</tr>
<tr><td colspan="5">${instructions(d)}</td></tr>`,
      )
      .join('\n');
    const body = `${checked && checkedDomain ? resultBox(checkedDomain, checked.result) : ''}
${
  domains.length
    ? `<table class="list">
<caption class="visually-hidden">Domains of ${e(org.name)}</caption>
<thead><tr><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">Verified</th><th scope="col">Last check</th><th scope="col">Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p>No domains yet. Add the domains your people’s email addresses use: a verified domain routes their sign-in to your SSO and lets your directory and SSO take them in.</p>'
}
<form method="post" action="${e(base)}/add">
${csrfField(csrf)}
<fieldset><legend>Add a domain</legend>
<label for="domain">Domain</label>
<input id="domain" name="domain" required maxlength="300" placeholder="example.com" value="${e(p.typed ?? '')}">
<p><input type="checkbox" id="include_subdomains" name="include_subdomains" value="true"> <label class="inline" for="include_subdomains">Include its subdomains in sign-in routing</label></p>
<button type="submit">Add domain</button>
</fieldset>
</form>`;
    sendOrgPage(res, { tab: 'domains', title: 'Domains', body, status: p.problem?.status, notice: p.notice, error: p.problem?.message });
  };

  router.get('/', async (req, res) => {
    await show(res, { notice: noticeOf(req, NOTICES) });
  });

  router.post('/add', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    const typed = field(req, 'domain') ?? '';
    try {
      const input = parse(domainAddSchema, { domain: typed, include_subdomains: field(req, 'include_subdomains') === 'true' });
      await c.domains.add(ctx, org.id, input);
    } catch (err) {
      return show(res, { problem: refusalOf(err), typed });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'domains'), 'domain_added');
  });

  router.post('/:domainId/verify', async (req, res) => {
    const { org, ctx } = orgOf(res);
    const domainId = String(req.params.domainId);
    const method = field(req, 'method') || undefined;
    try {
      if (method !== undefined && !(METHODS as readonly string[]).includes(method)) {
        return show(res, { problem: { status: 400, message: `method must be one of ${METHODS.join(', ')}` } });
      }
      const result = await c.domains.verify(ctx, org.id, domainId, method as VerificationMethod | undefined);
      // the result is shown on this answer (each check's detail); reloading the tab shows the status
      return show(res, { result: { domainId, result } });
    } catch (err) {
      return show(res, { problem: refusalOf(err) });
    }
  });

  router.post('/:domainId/remove', async (req, res) => {
    const { viewer, org, ctx } = orgOf(res);
    try {
      await c.domains.delete(ctx, org.id, String(req.params.domainId));
    } catch (err) {
      return show(res, { problem: refusalOf(err) });
    }
    redirectWithNotice(res, orgPath(viewer.tenant.slug, org.id, 'domains'), 'domain_removed');
  });
  return router;
}
