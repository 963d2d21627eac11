import { Router } from 'express';
import { BASE_CSS } from './base.css';
import { PORTAL_CSS } from './portal.css';
import { PORTAL_JS } from './portal.js';

const HEX = /^[0-9a-fA-F]{6}$/;
/** The fixed files: path, Content-Type, body. */
const STATIC_ASSETS = [
  ['/assets/orgbridge.css', 'text/css', BASE_CSS],
  ['/assets/portal.css', 'text/css', PORTAL_CSS],
  ['/assets/portal.js', 'text/javascript', PORTAL_JS],
] as const;

/** WCAG 2 relative luminance of `rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * The text colour for a surface of the brand colour: white or black, whichever contrasts more
 * (one of them always reaches WCAG AA's 4.5:1), so a light branding colour keeps buttons readable.
 */
export function textOn(hex: string): '#ffffff' | '#000000' {
  const l = luminance(hex);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

/**
 * `/assets/orgbridge.css` (the pages' stylesheet) and `/assets/brand.css?c=rrggbb` (the one
 * branding colour as a CSS variable, with `--on-brand`, the text colour that contrasts with it): a
 * stylesheet per colour keeps the CSP free of inline styles.
 */
export function assetsRoutes(): Router {
  const router = Router();
  for (const [path, type, body] of STATIC_ASSETS) {
    router.get(path, (_req, res) => {
      res.type(type).set('Cache-Control', 'public, max-age=3600').send(body);
    });
  }
  router.get('/assets/brand.css', (req, res) => {
    const c = typeof req.query.c === 'string' && HEX.test(req.query.c) ? req.query.c.toLowerCase() : '1f6feb';
    res.type('text/css').set('Cache-Control', 'public, max-age=86400, immutable').send(`:root { --brand: #${c}; --on-brand: ${textOn(c)}; }\n`);
  });
  return router;
}
