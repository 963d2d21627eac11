import type { Request, Response } from 'express';
import type { OrgRecord } from '../db/models';
import { STATUS_OF, toAppError } from '../http/error-handler';
import type { Ctx } from '../shared/context';
import type { Branding, EffectiveAuthSettings } from '../tenants/settings';
import { portalPage, type PortalTab } from './layout.html';
import type { PortalViewer } from './portal-access';

/** What the portal's guard leaves on `res.locals.portal` for every page. */
export interface PortalLocals {
  viewer: PortalViewer;
  /** The CSRF field of every form of the page (bound to the session). */
  csrf: string;
  /** Service calls act in the viewer's tenant as the signed-in user. */
  ctx: Ctx;
  /** The tenant's branding (pages without an organization). */
  tenantBranding: Branding;
}

/** And on `res.locals.portalOrg` for the pages of one organization (access already checked). */
export interface OrgLocals extends PortalLocals {
  org: OrgRecord;
  /** The organization's effective settings (organization → tenant → built-in). */
  effective: { branding: Branding; auth_settings: EffectiveAuthSettings };
}

export function portalOf(res: Response): PortalLocals {
  return res.locals.portal as PortalLocals;
}

export function orgOf(res: Response): OrgLocals {
  return res.locals.portalOrg as OrgLocals;
}

interface PageContent {
  title: string;
  body: string;
  status?: number;
  notice?: string;
  error?: string;
}

/** Renders a page of the portal that is not about one organization. */
export function sendPortalPage(res: Response, p: PageContent): void {
  const { viewer, tenantBranding } = portalOf(res);
  res.status(p.status ?? 200).type('html').send(portalPage({ ...p, viewer, branding: tenantBranding }));
}

/** Renders one tab of an organization's page, with the organization's effective branding. */
export function sendOrgPage(res: Response, p: PageContent & { tab: PortalTab }): void {
  const { viewer, org, effective } = orgOf(res);
  res.status(p.status ?? 200).type('html').send(portalPage({ ...p, viewer, branding: effective.branding, org: { id: org.id, name: org.name, slug: org.slug } }));
}

/** A refusal a page shows: its status and message. */
export interface Problem {
  status: number;
  message: string;
}

/**
 * A service's refusal as the page shows it: its status (400, 403, 404, 409, …) and message with
 * the details. Anything that is not a domain error is rethrown (the portal's error page, no stack).
 */
export function refusalOf(err: unknown): Problem {
  const error = toAppError(err);
  const status = STATUS_OF[error.code];
  if (status >= 500) throw err;
  const details = (error.details ?? []).map((d) => d.message).filter((m) => m && !error.message.includes(m));
  return { status, message: details.length ? `${error.message} (${details.join('; ')})` : error.message };
}

/** A posted form field (trimmed), or undefined. */
export function field(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** Every value of a repeated form field (checkboxes). */
export function fields(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
}

/** A query parameter as one string (the app's query parser is "simple"; repeated keys → first). */
export function queryParam(req: Request, name: string, max = 200): string | undefined {
  const raw = req.query[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;
}

/**
 * After a successful POST: back to a page (303) with a notice named by a key the page knows
 * (`?notice=member_added`), so no text from the URL reaches the page.
 */
export function redirectWithNotice(res: Response, path: string, notice: string): void {
  res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}`);
}

/** The notice text of `?notice=`, from the page's own table. */
export function noticeOf(req: Request, notices: Record<string, string>): string | undefined {
  const key = queryParam(req, 'notice', 64);
  return key && Object.hasOwn(notices, key) ? notices[key] : undefined;
}
