import { Router } from 'express';
import { BASE_CSS } from './base.css';
import { PORTAL_CSS } from './portal.css';
import { PORTAL_JS } from './portal.js';

const HEX = /^[0-9a-fA-F]{6}$/;

/**
 * `/assets/orgbridge.css` (the pages' stylesheet) and `/assets/brand.css?c=rrggbb` (the one
 * branding colour as a CSS variable): a stylesheet per colour keeps the CSP free of inline styles.
 */
export function assetsRoutes(): Router {
  const router = Router();
  router.get('/assets/orgbridge.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(BASE_CSS);
  });
  router.get('/assets/portal.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(PORTAL_CSS);
  });
  router.get('/assets/portal.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(PORTAL_JS);
  });
  router.get('/assets/brand.css', (req, res) => {
    const c = typeof req.query.c === 'string' && HEX.test(req.query.c) ? req.query.c.toLowerCase() : '1f6feb';
    res.type('text/css').set('Cache-Control', 'public, max-age=86400, immutable').send(`:root { --brand: #${c}; }\n`);
  });
  return router;
}
