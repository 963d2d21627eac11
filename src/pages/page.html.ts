import { escapeHtml as e, safeColor } from '../shared/html';
import type { Branding } from '../tenants/settings';

export interface Frame {
  title: string;
  branding: Branding | null;
  body: string;
}

/** The link to the stylesheet carrying a (validated) branding colour. */
export function brandStylesheet(branding: Branding | null): string {
  const color = safeColor(branding?.primary_color, '#1f6feb').slice(1).toLowerCase();
  return `<link rel="stylesheet" href="/assets/brand.css?c=${color}">`;
}

/** `<!doctype>` through `</head>` of every hosted page; `extra`: more links or scripts (our files only). */
export function documentHead(title: string, branding: Branding | null, extra = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<link rel="stylesheet" href="/assets/orgbridge.css">
${extra}${brandStylesheet(branding)}
</head>`;
}

/** The page shell: branded (colour, logo), no inline script or style, every value escaped. */
export function page({ title, branding, body }: Frame): string {
  const logo = branding?.logo_url?.startsWith('https://') ? `<img class="logo" src="${e(branding.logo_url)}" alt="">` : '';
  return `${documentHead(title, branding)}
<body>
<main>
${logo}${body}
</main>
</body>
</html>
`;
}

export function errorPage(title: string, message: string, branding: Branding | null = null): string {
  return page({ title, branding, body: `<h1>${e(title)}</h1>\n<p role="alert">${e(message)}</p>` });
}
