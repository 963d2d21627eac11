import { parseGroupList } from '../../../src/scim/group-list';

const packed = (count: number, ...groups: Array<[string, string]>) => `${count}\x1d${groups.map(([id, name]) => `${id}\x1f${name}\x1e`).join('')}`;

describe('a group_list column', () => {
  it('no groups (NULL) is an empty list', () => {
    expect(parseGroupList(null)).toEqual([]);
  });

  it("SQLite's JSON array comes back in id order", () => {
    expect(parseGroupList('[["g2","Two"],["g1","One"]]')).toEqual([{ id: 'g1', displayName: 'One' }, { id: 'g2', displayName: 'Two' }]);
  });

  it("MySQL's packed form, names with the id separator and any Unicode intact", () => {
    expect(parseGroupList(packed(2, ['g1', 'A\x1fB'], ['g2', 'Ünïcødé 🚀']))).toEqual([
      { id: 'g1', displayName: 'A\x1fB' },
      { id: 'g2', displayName: 'Ünïcødé 🚀' },
    ]);
    expect(parseGroupList(Buffer.from(packed(1, ['g1', 'One'])))).toEqual([{ id: 'g1', displayName: 'One' }]);
  });

  it('is null (read again) when a name holds the group separator or the list was cut short', () => {
    expect(parseGroupList(packed(1, ['g1', 'A\x1eB']))).toBeNull();
    const full = packed(2, ['g1', 'One'], ['g2', 'Two']);
    expect(parseGroupList(full.slice(0, -3))).toBeNull();
    expect(parseGroupList(full.slice(0, -1))).toBeNull();
    expect(parseGroupList(packed(3, ['g1', 'One'], ['g2', 'Two']))).toBeNull();
  });
});
