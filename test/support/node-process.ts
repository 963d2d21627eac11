import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_KEY } from './test-app';

export const NODE_SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789';

/** The compiled service (`npm run build`), as `npm run start:prod` runs it. */
export const BUILT_MAIN = join(__dirname, '../../dist/src/main.js');

/**
 * A real orgbridge process: `node --import tsx src/main.ts`, as `npm start` runs it, or with
 * `{ built: true }` the compiled `dist/src/main.js`.
 */
export class NodeProcess {
  readonly output: string[] = [];
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(databaseUrl: string, env: Record<string, string> = {}, opts: { built?: boolean } = {}): Promise<NodeProcess> {
    const child = spawn(process.execPath, opts.built ? [BUILT_MAIN] : ['--import', 'tsx', 'src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: {
        PATH: process.env.PATH!,
        NODE_ENV: 'test',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ob-node-')),
        DATABASE_URL: databaseUrl,
        ADMIN_API_KEY: ROOT_KEY,
        SECRET_KEY: NODE_SECRET_KEY,
        PORT: '0',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_API: '0',
        RATE_LIMIT_SCIM: '0',
        RATE_LIMIT_PUBLIC: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`orgbridge did not start: ${output.join('')}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        const m = /orgbridge listening on (http:\/\/[^ ]+) /.exec(output.join(''));
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString('utf8')));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`orgbridge exited with ${code}: ${output.join('')}`));
      });
    });
    const node = new NodeProcess(child, url);
    node.output.push(...output);
    child.stdout!.on('data', (c: Buffer) => node.output.push(c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => node.output.push(c.toString('utf8')));
    return node;
  }

  /** Sends `signal` and resolves with how the process ended and how long it took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const t0 = Date.now();
    this.child.kill(signal);
    const end = await this.exited;
    return { ...end, ms: Date.now() - t0 };
  }

  /** Resolves when the process has exited (however). */
  ended() {
    return this.exited;
  }

  /** The admin API of `tenant` with the root key. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ROOT_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
