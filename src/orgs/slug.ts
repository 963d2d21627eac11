/** Latin letters that Unicode decomposition leaves alone. */
const TRANSLITERATE: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', þ: 'th', ı: 'i' };

/** A slug derived from a display name: "Acme Corp. (EU)" → "acme-corp-eu". */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[ßæœøđłþı]/g, (c) => TRANSLITERATE[c]!)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
  return slug || 'org';
}

/** The same slug with a short random suffix, still within 64 characters. */
export function withSuffix(slug: string, suffix: string): string {
  return `${slug.slice(0, 63 - suffix.length).replace(/-+$/, '')}-${suffix}`;
}
