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
  const shape = shapeOf(model);
  const present = new Set<string>(shape.stamps);
  for (const row of rows) for (const key in row) present.add(key);
  const columns = shape.columns.filter((c) => present.has(c.name));
  const now = new Date();
  const perStatement = Math.max(1, Math.floor(MAX_VALUES / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) {
        let value = row[column.name];
        if (value === undefined) value = column.stamp ? now : column.defaultValue;
        if (column.json && value !== undefined && value !== null) value = JSON.stringify(value);
        values.push(value ?? null);
      }
    }
    await tx.sql.run(`INSERT INTO ${shape.table} (${columns.map((c) => c.quoted).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, values, tx);
  }
}

interface Column {
  name: string;
  quoted: string;
  json: boolean;
  stamp: boolean;
  defaultValue: unknown;
}

const shapes = new WeakMap<object, { table: string; stamps: string[]; columns: Column[] }>();

/** A model's columns as insertRows needs them, worked out once per model. */
function shapeOf(model: ModelStatic<Model>) {
  let shape = shapes.get(model);
  if (!shape) {
    const attributes = model.getAttributes() as Record<string, { set?: unknown; defaultValue?: unknown; field?: string }>;
    const stamps = model.options.timestamps ? [model.options.createdAt, model.options.updatedAt].filter((s): s is string => typeof s === 'string') : [];
    const columns = Object.entries(attributes).map(([name, attribute]) => ({
      name,
      quoted: `\`${attribute.field ?? name}\``,
      // JSON columns are those with a setter; a default that is a function (a generated id) is not the database's to fill.
      json: typeof attribute.set === 'function',
      stamp: stamps.includes(name),
      defaultValue: typeof attribute.defaultValue === 'function' ? undefined : attribute.defaultValue,
    }));
    shape = { table: model.getTableName() as string, stamps, columns };
    shapes.set(model, shape);
  }
  return shape;
}
