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
  // Without a backslash the parser decodes strings right (an IdP's lookups take this path).
  const escaped = text.includes('\\');
  const { text: masked, strings } = escaped ? extractStrings(text) : { text, strings: [] };
  let filter: Filter;
  try {
    filter = parse(rewriteValuePathSubAttribute(masked));
  } catch (err) {
    throw invalid(`filter is not valid: ${(err as Error).message}`);
  }
  return escaped ? restoreStrings(filter, strings) : filter;
}

/**
 * Filter values are JSON string literals (RFC 7644 §3.4.2.2), but scim2-parse-filter doubles
 * every backslash before it decodes them, so `"CORP\\jdoe"` came out with two backslashes and
 * `\u00e9` undecoded. In a filter with a backslash, each literal is decoded with JSON.parse and replaced by a
 * placeholder (`"0"`, `"1"`, …: after this, the only strings in the text) that restoreStrings
 * swaps back in the parsed tree.
 */
function extractStrings(text: string): { text: string; strings: string[] } {
  const strings: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('"', i);
    if (open < 0) break;
    let close = open + 1;
    while (close < text.length && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
    if (close >= text.length) throw invalid('filter has an unterminated string');
    let value: unknown;
    try {
      value = JSON.parse(text.slice(open, close + 1));
    } catch {
      throw invalid(`filter string ${text.slice(open, close + 1)} is not a valid JSON string`);
    }
    if (typeof value !== 'string' || value.includes('\u0000')) throw invalid('filter strings cannot hold a NUL');
    out += `${text.slice(i, open)}"${strings.length}"`;
    strings.push(value);
    i = close + 1;
  }
  return { text: out + text.slice(i), strings };
}

function restoreStrings(f: Filter, strings: string[]): Filter {
  switch (f.op) {
    case 'and':
    case 'or':
      return { ...f, filters: f.filters.map((x) => restoreStrings(x, strings)) };
    case 'not':
      return { ...f, filter: restoreStrings(f.filter, strings) };
    case '[]':
      return { ...f, valFilter: restoreStrings(f.valFilter, strings) };
    default:
      return 'compValue' in f && typeof f.compValue === 'string' ? { ...f, compValue: strings[Number(f.compValue)]! } : f;
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
