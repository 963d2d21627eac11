import helmet from 'helmet';

/**
 * Headers of every hosted HTML page: a CSP without `unsafe-inline` (styles come from
 * `/assets/*.css`, scripts only from our own files), no framing, no referrer. `form-action` is
 * left out on purpose: Chromium checks it on a form's redirects too, and our sign-in forms
 * redirect to the organization's IdP.
 */
export const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      imgSrc: ["'self'", 'https:', 'data:'],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});
