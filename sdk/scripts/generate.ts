/**
 * Regenerates src/generated/openapi.d.ts from the service's OpenAPI 3.1 document.
 *
 *   npm run generate                          # from the repository's builder (../scripts/print-openapi.ts)
 *   npm run generate -- http://localhost:3000 # from a running service's GET /openapi.json
 *   npm run generate -- --check               # fails when the committed file is not what the builder gives (CI)
 *
 * The generated file is committed, so building the SDK never needs a service.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const sdkDir = resolve(__dirname, '..');
const repoDir = resolve(sdkDir, '..');
const output = join(sdkDir, 'src/generated/openapi.d.ts');

async function documentText(source: string | undefined): Promise<string> {
  if (source) {
    const url = new URL(source.endsWith('.json') ? source : `${source.replace(/\/+$/, '')}/openapi.json`);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return res.text();
  }
  // The repository's own builder prints the document the service would serve.
  return execFileSync(process.execPath, ['--import', 'tsx', 'scripts/print-openapi.ts'], { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const text = await documentText(args.find((a) => a !== '--check'));
  const document = JSON.parse(text) as { openapi?: string };
  if (!document.openapi?.startsWith('3.1')) throw new Error(`expected an OpenAPI 3.1 document, got ${String(document.openapi)}`);
  const dir = mkdtempSync(join(tmpdir(), 'orgbridge-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    writeFileSync(input, text);
    const target = check ? join(dir, 'openapi.d.ts') : output;
    const cli = join(sdkDir, 'node_modules/openapi-typescript/bin/cli.js');
    // Request bodies list their defaulted fields as optional (the document is right); the default
    // would make them required, since a schema's `default` would be read as "always present".
    execFileSync(process.execPath, [cli, input, '--output', target, '--default-non-nullable=false'], { stdio: check ? 'ignore' : 'inherit' });
    if (check) {
      if (readFileSync(target, 'utf8') !== readFileSync(output, 'utf8')) {
        throw new Error('src/generated/openapi.d.ts is not what the OpenAPI document gives: run `npm run generate` in sdk/ and commit it');
      }
      console.log('src/generated/openapi.d.ts is up to date');
      return;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`wrote ${output.slice(dirname(sdkDir).length + 1)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
