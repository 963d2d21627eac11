import { z } from 'zod';

/**
 * What a schema may carry into the document: `id` names it under `components.schemas`; the
 * other fields are copied into its JSON Schema.
 */
export interface SchemaMeta {
  id?: string;
  description?: string;
  format?: string;
}

/**
 * Answers of the API (converted with zod's output types). Request bodies are the routes' own zod
 * schemas, named per document by the builder (converted with zod's input types).
 */
export const responseSchemas = z.registry<SchemaMeta>();

/** Registers an answer's schema as a named component. */
export function response<S extends z.ZodType>(id: string, description: string, schema: S): S {
  responseSchemas.add(schema, { id, description });
  return schema;
}

export const timestamp = z.string().register(responseSchemas, { format: 'date-time', description: 'RFC 3339, UTC' });
export const nullableTimestamp = timestamp.nullable();
export const jsonObject = z.record(z.string(), z.unknown());

/** `{data: [...], next_cursor}` (contract section 0). */
export function pageOf<S extends z.ZodType>(id: string, item: S) {
  return response(
    id,
    'A page of a list: pass `next_cursor` as `?cursor=` for the next one; null on the last page.',
    z.object({ data: z.array(item), next_cursor: z.string().nullable() }),
  );
}

/**
 * Compile-time only: fails to type-check when a DTO function's answer does not fit the schema
 * that documents it, so the document cannot silently drift from the code that renders answers.
 */
export function documents<S extends z.ZodType>(_schema: S, ..._renderers: Array<(...args: never[]) => z.input<S>>): void {}

/** A field's description in the document. */
export function described<S extends z.ZodType>(description: string, schema: S): S {
  responseSchemas.add(schema, { description });
  return schema;
}
