import { Router } from 'express';
import type { Container } from '../container';
import { sendOrgPage } from './portal-context';

/** The organization's Directories tab (placeholder: this tab is being built). */
export function directoriesTab(_c: Container): Router {
  const router = Router({ mergeParams: true });
  router.get('/', (_req, res) => {
    sendOrgPage(res, { tab: 'directories', title: 'Directories', body: '<p>This tab is being built.</p>' });
  });
  return router;
}
