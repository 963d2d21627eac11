/** Regenerates the table of operations in docs/api.md from the OpenAPI document: `npx tsx scripts/api-reference.ts`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressPolicy } from '../src/domains/verifiers/address-policy';
import { buildOpenApiDocument } from '../src/openapi/document';
import { withOperationsTable } from '../src/openapi/reference';

const file = join(__dirname, '../docs/api.md');
const doc = buildOpenApiDocument({ publicUrl: 'http://localhost:3000', webhookUrls: { httpsOnly: false, policy: new AddressPolicy() } });
writeFileSync(file, withOperationsTable(readFileSync(file, 'utf8'), doc));
