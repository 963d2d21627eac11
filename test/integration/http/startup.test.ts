import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real entry point, as `npm start` runs it: a bad start fails with one clear line. */
function start(env: Record<string, string>) {
  const cwd = join(__dirname, '../../..');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH!, DATA_DIR: mkdtempSync(join(tmpdir(), 'ob-start-')), PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: run.status, stderr: run.stderr.trim() };
}

describe('startup fails fast with one line', () => {
  it.each([
    [{ DATABASE_URL: 'postgres://x/y' }, /^orgbridge: configuration error: DATABASE_URL must be/],
    [{ DATABASE_URL: 'mysql://u:secret@127.0.0.1:1/db' }, /^orgbridge: cannot connect to the database mysql:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: ECONNREFUSED$/],
    [{ NODE_ENV: 'production' }, /^orgbridge: configuration error: ADMIN_API_KEY is required when NODE_ENV=production$/],
  ])('%j', (env, message) => {
    const { code, stderr } = start(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).not.toContain('secret');
  });
});
