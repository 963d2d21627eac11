import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The dependency rules of ARCHITECTURE.md A2.2, as a test rather than a review comment. */
const SRC = join(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files(SRC).map((path) => ({
  path: relative(SRC, path).split(sep).join('/'),
  imports: [...readFileSync(path, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!),
}));
const domainOf = (path: string) => path.split('/')[0]!;

describe('architecture', () => {
  it('services and repositories never import express or the http layer', () => {
    const offenders = sources
      .filter((s) => /\.(service|repository)\.ts$/.test(s.path))
      .filter((s) => s.imports.some((i) => i === 'express' || i.includes('/http/') || i.endsWith('.routes')));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('shared/ imports no domain, and db/ imports only shared/ (and migrations)', () => {
    const offenders = sources.filter((s) => {
      const local = s.imports.filter((i) => i.startsWith('.'));
      if (s.path.startsWith('shared/')) return local.some((i) => !i.startsWith('./') && !i.includes('/config/'));
      if (s.path.startsWith('db/')) return local.some((i) => !/^(\.\/|\.\.\/|\.\.\/\.\.\/)(shared|models|migrations|[a-z-]+$)/.test(i) && !i.startsWith('./'));
      return false;
    });
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('no domain reaches into another domain’s repository', () => {
    const offenders = sources.flatMap((s) =>
      s.imports
        .filter((i) => /\.repository$/.test(i) && i.startsWith('../'))
        .filter((i) => !['db', 'shared'].includes(i.split('/')[1]!) && i.split('/')[1] !== domainOf(s.path))
        .filter(() => !s.path.startsWith('container'))
        .map((i) => `${s.path} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
