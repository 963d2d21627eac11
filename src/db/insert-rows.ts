import type { ModelStatic, Model } from 'sequelize';
import type { Tx } from './transaction';

/** Bound values per statement, well under SQLite's limit of 32,766. */
const MAX_VALUES = 30_000;

/**
 * A multi-row INSERT sent straight to the driver (DirectSql), without a model instance per
 * row (what `bulkCreate` does, and what dominated its cost on the hot write paths). JSON
 * columns (those with a setter) are serialised, missing timestamps filled and missing
 * columns given the model's default, as the model would.
 */
export async function insertRows<M extends Model>(model: ModelStatic<M>, rows: Array<Record<string, unknown>>, tx: Tx): Promise<void> {
  if (!rows.length) return;
  const attributes = model.getAttributes() as Record<string, { set?: unknown; defaultValue?: unknown; field?: string }>;
  const stamps = model.options.timestamps ? [model.options.createdAt, model.options.updatedAt].filter((s): s is string => typeof s === 'string') : [];
  const present = new Set([...rows.flatMap((r) => Object.keys(r)), ...stamps]);
  const columns = Object.keys(attributes).filter((c) => present.has(c));
  const now = new Date();
  const values = (row: Record<string, unknown>) =>
    columns.map((c) => {
      const attribute = attributes[c]!;
      let value = row[c];
      if (value === undefined) value = stamps.includes(c) ? now : typeof attribute.defaultValue === 'function' ? undefined : attribute.defaultValue;
      if (typeof attribute.set === 'function' && value !== undefined && value !== null) value = JSON.stringify(value);
      return value ?? null;
    });
  const perStatement = Math.max(1, Math.floor(MAX_VALUES / columns.length));
  const table = model.getTableName() as string;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    await tx.sql.run(
      `INSERT INTO ${table} (${columns.map((c) => `\`${attributes[c]!.field ?? c}\``).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      chunk.flatMap(values),
      tx,
    );
  }
}
