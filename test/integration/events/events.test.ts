import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, expectError, type AdminClient } from '../../support/api';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('GET /events', () => {
  it('lists newest first; ?after= lists oldest first from that seq; type and organization filters apply', async () => {
    const admin = await createTenant(app);
    const a = await admin.createOrg();
    const b = await admin.createOrg();
    await admin.patch(`/organizations/${a.id}`, { name: 'A2' });

    const all = await admin.events();
    expect(all.map((e) => e.type)).toEqual(['organization.updated', 'organization.created', 'organization.created', 'tenant.created']);
    expect(all.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    expect(all[0]).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      actor: { type: 'root_key', id: null },
      target: { type: 'organization', id: a.id },
      organization_id: a.id,
      data: { changed: ['name'] },
      created_at: expect.any(String),
    });

    expect((await admin.events('?after=2')).map((e) => e.seq)).toEqual([3, 4]);
    expect((await admin.events('?type=organization.created')).map((e) => e.target)).toEqual([
      { type: 'organization', id: b.id },
      { type: 'organization', id: a.id },
    ]);
    expect((await admin.events('?type=organization.*')).length).toBe(3);
    expect((await admin.events(`?organization_id=${b.id}`)).map((e) => e.type)).toEqual(['organization.created']);
    expectError(await admin.get('/events?after=-1'), 400, 'invalid_request');
    expectError(await admin.get('/events?type=DROP TABLE'), 400, 'invalid_request');
  });

  it('pages in both directions with cursors', async () => {
    const admin = await createTenant(app);
    for (let i = 0; i < 5; i++) await admin.createOrg();
    const p1 = (await admin.get('/events?limit=4')).body;
    const p2 = (await admin.get(`/events?limit=4&cursor=${p1.next_cursor}`)).body;
    expect([...p1.data, ...p2.data].map((e: { seq: number }) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(p2.next_cursor).toBeNull();
    const f1 = (await admin.get('/events?after=0&limit=4')).body;
    const f2 = (await admin.get(`/events?after=0&limit=4&cursor=${f1.next_cursor}`)).body;
    expect([...f1.data, ...f2.data].map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('events of another tenant are invisible', async () => {
    const a = await createTenant(app);
    const b = await createTenant(app);
    const org = await a.createOrg();
    expect((await b.events(`?organization_id=${org.id}`)).length).toBe(0);
  });

  it('a consumer resuming with ?after= never misses an event while many writers commit concurrently', async () => {
    const admin = await createTenant(app);
    const seen: number[] = [];
    let last = 0;
    let writing = true;
    const consumer = (async () => {
      while (writing || seen.length < 41) {
        const res = await admin.get(`/events?after=${last}&limit=200`);
        for (const e of res.body.data as Array<{ seq: number }>) {
          seen.push(e.seq);
          last = e.seq;
        }
        if (!writing && res.body.data.length === 0) break;
      }
    })();
    const writers = Array.from({ length: 40 }, (_, i) => admin.post('/organizations', { name: `Concurrent ${i}` }));
    const results = await Promise.all(writers);
    writing = false;
    await consumer;
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(seen).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('an event is written only when its change commits', async () => {
    const admin: AdminClient = await createTenant(app);
    const org = await admin.createOrg();
    const before = (await admin.events()).length;
    expectError(await admin.post('/organizations', { name: 'dup', slug: org.slug }), 409, 'conflict');
    expect((await admin.events()).length).toBe(before);
  });
});
