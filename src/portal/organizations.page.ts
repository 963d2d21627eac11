import { Router } from 'express';
import type { Container } from '../container';
import { sendPortalPage } from './portal-context';

/** `/portal/organizations`: list, search, create. */
export function organizationsPages(_c: Container): Router {
  const router = Router({ mergeParams: true });
  router.get('/', (_req, res) => {
    sendPortalPage(res, { title: 'Organizations', body: '<p>This page is being built.</p>' });
  });
  return router;
}
