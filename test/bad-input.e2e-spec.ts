import { randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { getAddressDecoder } from '@solana/kit';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { MAX_JSON_DEPTH } from '../src/common/input-limits.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { auth, publishDataset, signUp } from './support/checkout.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

/** These tests make hundreds of requests each: seconds on a quiet machine, minutes beside other suites. */
const MANY_REQUESTS_MS = 600_000;

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: Schema;
}

interface Operation {
  method: string;
  path: string;
  secured: boolean;
  parameters: Parameter[];
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { security?: unknown[]; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
  components: { schemas: Record<string, Schema> };
}

/** A string field of a body: where it is (`items[0].deviceId`) and a body holding `value` there and nothing else. */
interface TextField {
  path: string;
  body: (value: string) => unknown;
}

/**
 * Bad input, thrown at every route it applies to (read from /docs-json): each answer is a 4xx in the error shape with
 * a code, never a 500, and nothing is stored.
 */
describe('bad input (e2e, every route from the OpenAPI document)', () => {
  let t: TestApp;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  const tokens = {} as Record<'admin' | 'contributor' | 'buyer', string>;
  let unpayableUrl: string;
  /** The listed dataset, whose version's file list is paged (a cursor on an unknown dataset is a 404 first). */
  let listedDatasetId: string;
  let countsBefore: Map<string, number>;

  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop() ?? '']);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };

  /** Every string field reachable in a body schema, nested objects and the first element of arrays included. */
  const textFields = (schema: Schema, depth = 0): TextField[] => {
    const resolved = resolve(schema);
    if (resolved.type === 'string') return [{ path: '', body: (value) => value }];
    if (depth > 4) return [];
    if (resolved.type === 'array' && resolved.items) {
      return textFields(resolved.items, depth + 1).map((field) => ({
        path: field.path ? `[0].${field.path}` : '[0]',
        body: (value) => [field.body(value)],
      }));
    }
    return Object.entries(resolved.properties ?? {}).flatMap(([name, property]) =>
      textFields(property, depth + 1).map((field) => ({
        path: field.path.startsWith('[') || field.path === '' ? `${name}${field.path}` : `${name}.${field.path}`,
        body: (value: string) => ({ [name]: field.body(value) }),
      })),
    );
  };

  /** The path with its parameters filled: ids get a fresh uuid unless `fill` says otherwise. */
  const pathOf = (operation: Operation, fill: Record<string, string> = {}) =>
    operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => fill[name] ?? (name === 'version' ? '1' : randomUUID()));

  const send = (operation: Operation, options: { token?: string; path?: string; query?: string; body?: unknown; raw?: string }) => {
    let request = t
      .http()
      [operation.method as 'get' | 'post' | 'put' | 'patch' | 'delete'](`${options.path ?? pathOf(operation)}${options.query ?? ''}`);
    if (options.token) request = request.set(auth(options.token));
    if (options.raw !== undefined) return request.set('Content-Type', 'application/json').send(options.raw);
    return options.body === undefined ? request : request.send(options.body as object);
  };

  /**
   * Sends as the first of admin, contributor and buyer that the route's role check lets through, since roles are
   * checked before the input is, and answers that response.
   */
  const sendAsAllowed = async (operation: Operation, options: { path?: string; query?: string; body?: unknown }) => {
    let last = await send(operation, options);
    if (!operation.secured) return last;
    for (const token of [tokens.admin, tokens.contributor, tokens.buyer]) {
      last = await send(operation, { ...options, token });
      if (last.status !== 401 && last.status !== 403) return last;
    }
    return last;
  };

  const problems: string[] = [];
  /** Records a problem unless the answer is `status` in the error shape with `code` (and a message matching). */
  const expectError = (label: string, res: { status: number; body: unknown }, status: number, code: string, message?: RegExp) => {
    const body = res.body as ErrorBody;
    if (res.status !== status || body.statusCode !== status || body.code !== code || (message && !message.test(body.message))) {
      problems.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
  };

  const tableCounts = async () => {
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
         AND table_name NOT IN ('rate_limit_hits', 'schema_migrations') AND table_name NOT LIKE '%job%' ORDER BY 1`,
    );
    const counts = new Map<string, number>();
    for (const { table_name: table } of tables) {
      counts.set(table, Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`))[0].n));
    }
    return counts;
  };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@bad-input.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000000' });
    tokens.admin = (
      (await t.http().post('/v1/auth/login').send({ email: 'root@bad-input.test', password: 'correct-horse-battery' }).expect(200))
        .body as AuthTokenResponse
    ).accessToken;
    tokens.contributor = await signUp(t, 'maker@bad-input.test', 'contributor');
    tokens.buyer = await signUp(t, 'buyer@bad-input.test', 'buyer');
    // A listed dataset, so that search cursors meet rows, and a pending order, for the USDC mint of this ledger.
    const published = await publishDataset(
      t,
      { contributor: tokens.contributor, admin: tokens.admin },
      { title: 'Bad input', licenceSlug: 'commercial-ai-training', priceUsdCents: 1_000, seed: 1 },
    );
    listedDatasetId = published.datasetId;
    const order = (
      await t.http().post('/v1/orders').set(auth(tokens.buyer)).send({ datasetId: published.datasetId, paymentMethod: 'solana' }).expect(201)
    ).body as OrderResponse;
    // The publication's anchor is recorded by a job; wait for it, so that nothing is being written when counting.
    for (const deadline = Date.now() + 120_000; ;) {
      const provenance = (await t.http().get(`/v1/datasets/${published.datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      if (provenance.versions.at(0)?.anchor?.status === 'confirmed') break;
      if (Date.now() > deadline) throw new Error('the anchor of the dataset was not recorded');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const nobody = () => getAddressDecoder().decode(randomBytes(32));
    unpayableUrl = `solana:${nobody()}?amount=1&spl-token=${order.solanaPay?.splToken ?? ''}&reference=${nobody()}`;

    const document = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    schemas = document.components.schemas;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method,
        path,
        secured: (operation.security ?? []).length > 0,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content['application/json']?.schema,
      })),
    );
    // Each ready capture's preview is made by a job of its own: wait for them, so the snapshot holds all that setup made.
    await waitFor(async () => {
      const [pending] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM captures c WHERE c.status = 'ready' AND NOT EXISTS (SELECT 1 FROM capture_previews p WHERE p.capture_id = c.id)`,
      );
      return pending.n === 0 ? true : undefined;
    }, 'the previews of the captures made in setup');
    countsBefore = await tableCounts();
  }, 300_000);
  afterAll(() => t.close());
  afterEach(() => {
    problems.length = 0;
  });

  it('reads the routes from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.filter((operation) => operation.body).length).toBeGreaterThan(20);
  });

  it(
    'answers 401 to a validly signed token whose subject is not a uuid, or names no account, on every secured route',
    async () => {
      const jwt = t.app.get(JwtService, { strict: false });
      const gone = await t
        .http()
        .post('/v1/auth/register')
        .send({ email: 'gone@bad-input.test', password: 'a-long-password', role: 'buyer' })
        .expect(201);
      const goneToken = (gone.body as AuthTokenResponse).accessToken;
      await t.sql('DELETE FROM users WHERE id = $1', [(gone.body as AuthTokenResponse).user.id]);
      const bad = {
        'sub not a uuid': jwt.sign({ sub: 'not-a-uuid', role: 'admin' }),
        'sub a number': jwt.sign({ sub: 42, role: 'admin' }),
        'sub nobody': jwt.sign({ sub: randomUUID(), role: 'admin' }),
        'deleted account': goneToken,
      };
      for (const operation of operations.filter((candidate) => candidate.secured)) {
        for (const [name, token] of Object.entries(bad)) {
          const res = await send(operation, { token, body: operation.body ? {} : undefined });
          expectError(`${operation.method} ${operation.path} with ${name}`, res, 401, 'AUTH_UNAUTHENTICATED');
        }
      }
      expect(problems).toEqual([]);
    },
    MANY_REQUESTS_MS,
  );

  it(
    `answers 400 BODY_TOO_DEEP to JSON nested 20,000 deep, at the top level and inside a known field, on every route with a JSON body`,
    async () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      const justTooDeep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
      for (const operation of operations.filter((candidate) => candidate.body)) {
        const field = Object.keys(resolve(operation.body as Schema).properties ?? { value: {} })[0];
        for (const [name, raw] of Object.entries({
          'top level': deep,
          [`in ${field}`]: `{"${field}":${deep}}`,
          [`${MAX_JSON_DEPTH + 1} levels`]: justTooDeep,
        })) {
          const res = await send(operation, { token: tokens.admin, raw });
          expectError(`${operation.method} ${operation.path} ${name}`, res, 400, 'BODY_TOO_DEEP');
        }
      }
      expect(problems).toEqual([]);
    },
    MANY_REQUESTS_MS,
  );

  it(
    'answers 400 VALIDATION_FAILED naming the field to a NUL or a lone surrogate in any string of any body, query or path',
    async () => {
      let checked = 0;
      for (const operation of operations) {
        const bodyFields = operation.body ? textFields(operation.body) : [];
        for (const field of bodyFields) {
          for (const [name, value] of Object.entries({ NUL: 'a\u0000b', 'lone high surrogate': 'a\uD800b', 'lone low surrogate': '\uDC00' })) {
            const res = await sendAsAllowed(operation, { body: field.body(value) });
            expectError(
              `${operation.method} ${operation.path} ${name} in ${field.path}`,
              res,
              400,
              'VALIDATION_FAILED',
              new RegExp(`^${field.path.replace(/[[\].]/g, '\\$&')} must not contain NUL`),
            );
            checked += 1;
          }
        }
        for (const parameter of operation.parameters.filter(
          (candidate) => candidate.in !== 'header' && resolve(candidate.schema).type === 'string',
        )) {
          const options =
            parameter.in === 'path' ? { path: pathOf(operation, { [parameter.name]: 'a%00b' }) } : { query: `?${parameter.name}=a%00b` };
          const res = await sendAsAllowed(operation, { ...options, body: operation.body ? {} : undefined });
          expectError(
            `${operation.method} ${operation.path} NUL in ${parameter.in} ${parameter.name}`,
            res,
            400,
            'VALIDATION_FAILED',
            new RegExp(`^${parameter.name} must not contain NUL`),
          );
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(150);
      expect(problems).toEqual([]);
    },
    MANY_REQUESTS_MS,
  );

  it(
    'answers 400 with a code to malformed keyset cursors on every paged route',
    async () => {
      const id = randomUUID();
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      const common = [
        '0',
        '1',
        'e',
        '1e999',
        '!!!not-base64!!!',
        b64(`-271821-04-20T00:00:00.000Z|${id}`),
        b64(`2026-02-30T00:00:00.000Z|${id}`),
        b64(`+275760-09-13T00:00:00.000Z|${id}`),
        b64(`2026-12-04T00:00:00.000Z|not-a-uuid`),
        b64(`123456789012345678901234567890|${id}`),
      ];
      const search = (sort: string, value: string) => b64(JSON.stringify([sort, value, id]));
      const searchCursors: [string, string][] = [
        ['newest', search('newest', '-271821-04-20T00:00:00.000Z')],
        ['newest', search('newest', '2026-13-45 00:00:00+00')],
        ['newest', search('newest', 'e')],
        ['price', search('price', '123456789012345678901234567890')],
        ['price', search('price', '1e999')],
        ['-price', search('-price', '-1')],
        ['relevance', search('relevance', 'e')],
        ['relevance', search('relevance', '1e999')],
        ['relevance', search('relevance', '1e-50')],
      ];
      const paged = operations.filter((operation) =>
        operation.parameters.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor'),
      );
      expect(paged.map((operation) => operation.path).sort()).toEqual([
        '/v1/admin/audit',
        '/v1/admin/orders',
        '/v1/admin/users',
        '/v1/captures',
        '/v1/datasets',
        '/v1/datasets/{id}/versions/{version}/files',
        '/v1/me/datasets',
        '/v1/orders',
      ]);
      for (const operation of paged) {
        // A frozen version's file list pages by leaf index (its cursor is the last leaf index sent): '0' and '1' are
        // positions there, and a negative, fractional or oversized index is what it refuses.
        const fileList = operation.path.endsWith('/files');
        const cursors = fileList ? [...common.filter((cursor) => !/^\d+$/.test(cursor)), '-1', '1.5', '1234567890'] : common;
        const cases: [string, string][] = cursors.map((cursor) => ['', cursor]);
        if (operation.path === '/v1/datasets') cases.push(...searchCursors, ...common.map((cursor): [string, string] => ['price', cursor]));
        for (const [sort, cursor] of cases) {
          const query = new URLSearchParams({ cursor, ...(sort ? { sort } : {}), ...(sort === 'relevance' ? { q: 'gnss' } : {}) });
          const res = await sendAsAllowed(operation, { path: pathOf(operation, { id: listedDatasetId }), query: `?${query.toString()}` });
          const body = res.body as ErrorBody;
          if (res.status !== 400 || body.statusCode !== 400 || !/^[A-Z_]+$/.test(body.code)) {
            problems.push(`${operation.path}?${query.toString()}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
    MANY_REQUESTS_MS,
  );

  it('answers 400 with the reason to a dev payment whose recipient has no token account', async () => {
    const res = await t.http().post('/v1/dev/solana/pay').send({ url: unpayableUrl });
    expectError('dev pay', res, 400, 'CHAIN_INVALID_PAYMENT_REQUEST', /no token account/);
    expect(problems).toEqual([]);
  });

  it('stored nothing for any of it', async () => {
    const after = await tableCounts();
    const changed = [...after].filter(([table, count]) => countsBefore.get(table) !== count);
    // The deleted account of the token test was made after the snapshot and is gone again.
    expect(changed).toEqual([]);
  });
});
