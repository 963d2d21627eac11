import { filterToSql } from '../../../src/scim/filter/filter-to-sql';
import { parseFilter, rewriteValuePathSubAttribute } from '../../../src/scim/filter/parse-filter';

const translate = (filter: string, resource: 'User' | 'Group' = 'User', dialect: 'sqlite' | 'mysql' = 'sqlite') =>
  filterToSql(parseFilter(filter), { resource, directoryId: 'dir_1', dialect });
const sql = (...args: Parameters<typeof translate>) => {
  const { sql: where, params } = translate(...args);
  return { sql: where, params };
};

describe('value path with a sub-attribute', () => {
  it.each([
    ['emails[type eq "work"].value eq "a@x"', 'emails[type eq "work" and value eq "a@x"]'],
    ['emails[type eq "work"].value pr', 'emails[type eq "work" and value pr]'],
    ['userName eq "a]b" and emails[type eq "x"].value co "y"', 'userName eq "a]b" and emails[type eq "x" and value co "y"]'],
    ['emails[type eq "work"]', 'emails[type eq "work"]'],
    ['userName eq "x"', 'userName eq "x"'],
  ])('%s → %s', (input, output) => expect(rewriteValuePathSubAttribute(input)).toBe(output));
});

describe('filter → SQL', () => {
  it.each([
    ['userName eq "Bob"', '(r.user_name_lower = ?)', ['bob']],
    ['externalId eq "AbC"', '(r.external_id = ?)', ['AbC']],
    ['active eq "true"', '(r.active = ?)', [true]],
    ['userName sw "b"', '(SUBSTR(r.user_name_lower, 1, LENGTH(?)) = ?)', ['b', 'b']],
    ['userName pr', "(r.user_name_lower IS NOT NULL AND r.user_name_lower <> '')", []],
    ['not (externalId eq "x")', 'NOT (r.external_id IS NOT NULL AND r.external_id = ?)', ['x']],
    ['externalId ne "x"', '(r.external_id IS NULL OR r.external_id <> ?)', ['x']],
    [
      'emails[type eq "work" and value co "@X"]',
      'r.id IN (SELECT t.scim_user_id FROM scim_user_emails t WHERE t.directory_id = ? AND ((t.type IS NOT NULL AND t.type = ?) AND (t.value_lower IS NOT NULL AND INSTR(t.value_lower, ?) > 0)))',
      ['dir_1', 'work', '@x'],
    ],
    ['emails.value eq "A@x"', 'r.id IN (SELECT t.scim_user_id FROM scim_user_emails t WHERE t.directory_id = ? AND (t.value_lower = ?))', ['dir_1', 'a@x']],
    [
      'name.familyName eq "Doe"',
      `(unicode_lower(json_extract(r.resource, '$."name"."familyName"')) = ?)`,
      ['doe'],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42"',
      `(unicode_lower(json_extract(r.resource, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."employeeNumber"')) = ?)`,
      ['42'],
    ],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "A"', '(r.user_name_lower = ?)', ['a']],
  ])('%s', (filter, where, params) => {
    expect(sql(filter)).toEqual({ sql: where, params });
  });

  it('marks an IdP lookup of users: eq on id, userName or externalId among its top-level conjuncts', () => {
    const lookup = (filter: string, resource: 'User' | 'Group' = 'User') => filterToSql(parseFilter(filter), { resource, directoryId: 'dir_1', dialect: 'sqlite' }).lookup;
    expect(lookup('userName eq "a"')).toBe(true);
    expect(lookup('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toBe(true);
    expect(lookup('externalId eq "a"')).toBe(true);
    expect(lookup('active eq true and id eq "x"')).toBe(true);
    expect(lookup('userName eq "a" or userName eq "b"')).toBe(false);
    expect(lookup('not (userName eq "a")')).toBe(false);
    expect(lookup('userName ne "a"')).toBe(false);
    expect(lookup('userName sw "a"')).toBe(false);
    expect(lookup('emails.value eq "a"')).toBe(false);
    expect(lookup('id eq "x"', 'Group')).toBe(false);
  });

  it('groups: members.value uses the membership table', () => {
    expect(sql('members[value eq "u1"]', 'Group')).toEqual({
      sql: 'r.id IN (SELECT t.group_id FROM scim_group_members t WHERE t.directory_id = ? AND (t.scim_user_id IS NOT NULL AND t.scim_user_id = ?))',
      params: ['dir_1', 'u1'],
    });
  });

  it.each([
    ['emails.value eq "a@x"', true],
    ['emails[type eq "work"].value eq "a@x" and active eq true', true],
    ['userName eq "a" or emails.value eq "a@x"', false],
    ['userName eq "a"', false],
  ])('%s takes its ids from a side table: %s', (filter, expected) => {
    expect(translate(filter).idsFromSubquery).toBe(expected);
  });

  it('MySQL reads JSON with JSON_UNQUOTE and counts characters with CHAR_LENGTH', () => {
    expect(sql('title ew "x"', 'User', 'mysql').sql).toBe(
      `(SUBSTR(LOWER(JSON_UNQUOTE(JSON_EXTRACT(r.resource, '$."title"'))), -CHAR_LENGTH(?)) = ?)`,
    );
  });

  it('meta dates compare as dates', () => {
    const { params } = sql('meta.lastModified gt "2026-01-01T00:00:00Z"');
    expect(params[0]).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it.each(['nope eq "x"', 'name eq "x"', 'emails[nope eq "x"]', 'active co "t"', 'phoneNumbers.value eq "1"', 'userName eq', 'x'.repeat(5000)])(
    'refuses %s with invalidFilter',
    (filter) => {
      expect(() => sql(filter)).toThrow(expect.objectContaining({ code: 'invalid_request', scimType: 'invalidFilter' }));
    },
  );
});

describe('string values are JSON string literals', () => {
  it.each([
    ['userName eq "CORP\\\\jdoe"', 'CORP\\jdoe'],
    ['userName eq "a\\"b"', 'a"b'],
    ['userName eq "a\\/b\\tc\\n"', 'a/b\tc\n'],
    ['userName eq "\\u00c9cole"', 'École'],
    ['userName eq "\\\\"', '\\'],
    ['userName eq "no escape"', 'no escape'],
  ])('%s compares with %j', (filter, value) => {
    expect(parseFilter(filter)).toEqual({ op: 'eq', attrPath: 'userName', compValue: value });
  });

  it('puts each decoded string back in its place, value paths included', () => {
    const f = parseFilter('emails[type eq "w\\\\1"].value eq "a\\u0040x" or title sw "\\"q"') as unknown as { filters: Array<Record<string, unknown>> };
    expect(f.filters[0]).toMatchObject({ op: '[]', attrPath: 'emails', valFilter: { op: 'and', filters: [{ compValue: 'w\\1' }, { compValue: 'a@x' }] } });
    expect(f.filters[1]).toMatchObject({ op: 'sw', attrPath: 'title', compValue: '"q' });
  });
});
