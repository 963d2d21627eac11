import { Parser } from 'htmlparser2';
import { META_NAME, type Check } from './check';
import { fetchFirstOk } from './fetch-both';
import type { SafeFetcher } from './safe-fetch';

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

/** `<meta name="orgbridge-verification" content="<token>">` in the page at https://<domain>/, then http://. */
export function checkMetaTag(fetcher: SafeFetcher, domain: string, token: string): Promise<Check> {
  return fetchFirstOk('meta_tag', fetcher, [`https://${domain}/`, `http://${domain}/`], (res) => {
    if (!HTML_TYPES.includes(mediaType(res.contentType))) return `content type ${mediaType(res.contentType) || 'missing'} is not HTML`;
    const content = findMetaContent(res.body, META_NAME);
    if (content === null) return 'meta tag not found';
    return content.trim() === token ? null : 'meta tag content does not match the token';
  });
}

/** The `content` of the first `<meta name=…>` with that name (case-insensitive), parsed with a real HTML parser. */
export function findMetaContent(html: string, name: string): string | null {
  let found: string | null = null;
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (found === null && tag === 'meta' && attrs.name?.toLowerCase() === name) found = attrs.content ?? '';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return found;
}

export function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}
