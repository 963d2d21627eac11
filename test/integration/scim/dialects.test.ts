import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, type AdminClient } from '../../support/api';
import { createDirectory } from '../../support/scim';

/** Replays the request sequences real IdPs send (test/fixtures/scim/{okta,entra}). */
interface Step {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  save?: string;
  expect: { status: number; body?: unknown };
  absent?: string[];
  membership?: { email: string; status?: string; role?: string; absent?: boolean };
}

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createTenant(app);
});
afterAll(() => app.close());

describe.each(['okta', 'entra'])('%s provisioning sequence', (provider) => {
  const fixture = JSON.parse(readFileSync(join(__dirname, `../../fixtures/scim/${provider}/provisioning.json`), 'utf8')) as { steps: Step[] };

  it('every step answers as an IdP expects, with the right effect on the organization', async () => {
    const org = await admin.createOrg();
    const scim = await createDirectory(admin, org.id, provider);
    await admin.put(`/organizations/${org.id}/directories/${scim.directoryId}/role-mappings`, { default_role: 'member', mappings: [{ group: 'Admins', role: 'admin' }] });
    const saved: Record<string, string> = {};
    const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => saved[k] ?? `{{${k}}}`);

    for (const step of fixture.steps) {
      const body = step.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(step.body)));
      const res = await scim.request(step.method.toLowerCase() as 'get', fill(step.path), body);
      if (res.status !== step.expect.status) throw new Error(`${provider} step "${step.name}": ${res.status} ${res.text}`);
      if (step.expect.body) expect({ step: step.name, body: res.body }).toMatchObject({ step: step.name, body: JSON.parse(fill(JSON.stringify(step.expect.body))) });
      for (const key of step.absent ?? []) expect(res.body[key]).toBeUndefined();
      if (step.save) saved[step.save] = res.body.id;
      if (step.membership) {
        const members = (await admin.get(`/organizations/${org.id}/members`)).body.data as Array<{ email: string }>;
        const m = members.find((x) => x.email.toLowerCase() === step.membership!.email);
        if (step.membership.absent) expect({ step: step.name, m }).toEqual({ step: step.name, m: undefined });
        else expect({ step: step.name, m }).toMatchObject({ step: step.name, m: { ...(step.membership.status ? { status: step.membership.status } : {}), ...(step.membership.role ? { role: step.membership.role } : {}) } });
      }
    }
  });
});
