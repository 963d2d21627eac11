import { Router } from 'express';
import type { Container } from '../container';
import { sendOrgPage } from './portal-context';

/** The organization's Settings tab (placeholder: this tab is being built). */
export function settingsTab(_c: Container): Router {
  const router = Router({ mergeParams: true });
  router.get('/', (_req, res) => {
    sendOrgPage(res, { tab: 'settings', title: 'Settings', body: '<p>This tab is being built.</p>' });
  });
  return router;
}
