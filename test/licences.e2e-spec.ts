import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { LicenceTemplateResponse } from '../src/licensing/dto/licence.dto.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('licence templates (e2e)', () => {
  let t: TestApp;
  let admin: string;

  const terms = {
    permittedUses: { aiTraining: true, evaluation: true, commercialUse: false, redistribution: false, derivativeMaps: true },
    attributionRequired: true,
    territory: ['DE', 'AT', 'CH'],
    termMonths: 12,
    exclusive: false,
    maxSeats: 10,
  };
  const mappingOnly = {
    slug: 'mapping-dach',
    name: 'Mapping in DACH',
    terms,
    text: 'Derive maps of Germany, Austria and Switzerland; no commercial use.',
  };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
    const login = await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200);
    admin = (login.body as AuthTokenResponse).accessToken;
  });
  afterAll(() => t.close());

  it('lists the seeded templates to anyone, with structured terms and full text', async () => {
    const templates = (await t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[];
    const bySlug = (slug: string) => templates.find((template) => template.slug === slug);
    expect(templates.map((template) => template.slug)).toEqual([
      'commercial-ai-training',
      'commercial-no-resale',
      'exclusive-commercial',
      'research-only',
    ]);
    const research = bySlug('research-only');
    expect(research?.terms.permittedUses).toEqual({
      aiTraining: true,
      evaluation: true,
      commercialUse: false,
      redistribution: false,
      derivativeMaps: false,
    });
    expect(research?.text).toContain('non-commercial research');
    expect(bySlug('exclusive-commercial')?.terms.exclusive).toBe(true);
  });

  it('lets an admin add a template, once', async () => {
    const created = await t.http().post('/v1/admin/licences').set('Authorization', `Bearer ${admin}`).send(mappingOnly).expect(201);
    // A template that does not say whether withdrawal ends the buyer's right keeps the buyers' files.
    expect(created.body).toEqual({
      id: expect.any(String) as string,
      slug: 'mapping-dach',
      name: 'Mapping in DACH',
      terms: { ...terms, revocableOnWithdrawal: false },
      text: mappingOnly.text,
    });
    const listed = (await t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[];
    expect(listed.map((template) => template.slug)).toContain('mapping-dach');
    const again = await t.http().post('/v1/admin/licences').set('Authorization', `Bearer ${admin}`).send(mappingOnly).expect(409);
    expect((again.body as ErrorBody).code).toBe('LICENCE_TEMPLATE_EXISTS');
  });

  it('refuses malformed terms with the field named, and non-admins with 403', async () => {
    const bad = await t
      .http()
      .post('/v1/admin/licences')
      .set('Authorization', `Bearer ${admin}`)
      .send({ ...mappingOnly, slug: 'bad-terms', terms: { ...terms, territory: ['Germany'], permittedUses: { aiTraining: 'yes' } } })
      .expect(400);
    const { message } = bad.body as ErrorBody;
    expect(message).toContain('territory must hold ISO 3166-1 alpha-2 codes or WORLD');
    expect(message).toContain('terms.permittedUses.aiTraining must be a boolean value');
    const registered = await t
      .http()
      .post('/v1/auth/register')
      .send({ email: 'c@example.com', password: 'a-long-password', role: 'contributor' })
      .expect(201);
    const contributor = (registered.body as AuthTokenResponse).accessToken;
    await t
      .http()
      .post('/v1/admin/licences')
      .set('Authorization', `Bearer ${contributor}`)
      .send({ ...mappingOnly, slug: 'sneaky' })
      .expect(403);
    await t
      .http()
      .post('/v1/admin/licences')
      .send({ ...mappingOnly, slug: 'sneaky' })
      .expect(401);
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM licence_templates WHERE slug IN ('bad-terms', 'sneaky')`);
    expect(Number(row.n)).toBe(0);
  });
});
