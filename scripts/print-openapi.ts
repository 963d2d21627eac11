/**
 * Prints the OpenAPI document to stdout, without a database or a running server:
 * `npx tsx scripts/print-openapi.ts [PUBLIC_URL] > openapi.json` (default http://localhost:3000).
 */
import { AddressPolicy } from '../src/domains/verifiers/address-policy';
import { buildOpenApiDocument } from '../src/openapi/document';

const publicUrl = process.argv[2] ?? 'http://localhost:3000';
const document = buildOpenApiDocument({ publicUrl, webhookUrls: { httpsOnly: false, policy: new AddressPolicy() } });
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
