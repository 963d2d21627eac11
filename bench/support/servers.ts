import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export const BENCH_ROOT_KEY = 'bench-root-key-0123456789abcdef';

/**
 * The service's environment for a benchmark: a fresh data directory, a SQLite file in it unless
 * BENCH_DATABASE_URL names a MySQL/MariaDB database, and rate limits off (measure the service,
 * not its limiter).
 */
export function benchEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbridge-bench-'));
  return {
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`,
    ADMIN_API_KEY: BENCH_ROOT_KEY,
    SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dir,
    RATE_LIMIT_API: '0',
    RATE_LIMIT_SCIM: '0',
    RATE_LIMIT_PUBLIC: '0',
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
  rssMb(): number;
}

async function waitFor(port: number, path: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = net.connect(port, '127.0.0.1', () => {
        req.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
      req.once('data', (d) => resolve(d.toString().startsWith('HTTP/1.1 200')));
      req.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function start(args: string[], env: Record<string, string>, port: number, readyPath: string): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, ...env, PORT: String(port), LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', process.env.BENCH_SERVICE_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  return waitFor(port, readyPath, child).then(() => ({
    port,
    pid: child.pid!,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  }));
}

let built = false;

/**
 * The real orgbridge entry point as production runs it: `npm run build`, then `node dist/src/main.js`
 * (on `port` when the caller needs it beforehand, e.g. for PUBLIC_URL).
 */
export async function startOrgbridge(env: Record<string, string>, port?: number): Promise<Server> {
  if (!built) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  // BENCH_CPU_PROF=<dir>: the service writes a V8 CPU profile there when it stops
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return start([...profile, 'dist/src/main.js'], env, port ?? (await freePort()), '/healthz');
}

/** An already compiled build in another directory (`tsc -p tsconfig.build.json --outDir <dir>`). */
export async function startBuild(distDir: string, env: Record<string, string>): Promise<Server> {
  return start([join(distDir, 'src/main.js')], env, await freePort(), '/healthz');
}

/** A bare Express 5 server: JSON GET and POST, the yardstick measured in the same run. */
export async function startBareExpress(): Promise<Server> {
  return start(['--import', 'tsx', 'bench/support/bare-express.ts'], {}, await freePort(), '/bare');
}
