import { parse, type Filter } from 'scim2-parse-filter';
import { ValidationError } from '../../shared/errors';

export type { Filter };

const MAX_FILTER_LENGTH = 4096;

/**
 * Parses an RFC 7644 filter (full grammar: and/or/not, parentheses, value paths) into an AST,
 * or throws 400 invalidFilter. Done before any routing library sees the filter.
 */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw invalid(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  try {
    return parse(rewriteValuePathSubAttribute(text));
  } catch (err) {
    throw invalid(`filter is not valid: ${(err as Error).message}`);
  }
}

export function invalid(message: string): ValidationError {
  return new ValidationError(message, { scimType: 'invalidFilter' });
}

/**
 * IdPs send `emails[type eq "work"].value eq "a@x"`, which means: the *same* work email has
 * that value. The parser would split it into two unrelated conditions, so it becomes
 * `emails[type eq "work" and value eq "a@x"]` first. Quoted strings are skipped when scanning.
 */
export function rewriteValuePathSubAttribute(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const close = findUnquoted(text, ']', i);
    if (close < 0) return out + text.slice(i);
    const after = /^\]\.([A-Za-z][\w-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/i.exec(text.slice(close));
    if (!after) {
      out += text.slice(i, close + 1);
      i = close + 1;
      continue;
    }
    const [matched, sub, op] = after;
    let end = close + matched.length;
    let value = '';
    if (op!.toLowerCase() !== 'pr') {
      const v = /^\s+("(?:[^"\\]|\\.)*"|[^\s()]+)/.exec(text.slice(end));
      if (!v) return out + text.slice(i);
      value = ` ${v[1]}`;
      end += v[0].length;
    }
    out += `${text.slice(i, close)} and ${sub} ${op}${value}]`;
    i = end;
  }
  return out;
}

function findUnquoted(text: string, char: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === char && !quoted) return i;
  }
  return -1;
}
