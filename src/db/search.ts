import { Op, col, fn, where as sqlWhere } from 'sequelize';

/**
 * A case-insensitive substring match on `column`. INSTR exists in SQLite and MySQL alike and,
 * unlike LIKE, gives `%` and `_` in the search term no special meaning.
 */
export function containsIgnoringCase(column: string, term: string) {
  return sqlWhere(fn('instr', fn('lower', col(column)), term.toLowerCase()), { [Op.gt]: 0 });
}
