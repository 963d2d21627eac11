import type { QueryInterface } from 'sequelize';
import { json } from './columns';

export const name = '0011-seeds';

/** Issue 22 (seeds 001/002): user metadata. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('users', 'app_metadata', json());
  await qi.addColumn('users', 'user_metadata', json());
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('users', 'user_metadata');
  await qi.removeColumn('users', 'app_metadata');
}
