import { auth, publishDataset, signUp, TEST_ADMIN, logIn } from './support/checkout.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { getBase58Encoder } from '@solana/kit';
import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import { isUuid } from '../src/common/uuid.js';
import { AuthErrorCode, AuthException } from '../src/auth/auth.exception.js';
import { CatalogErrorCode, CatalogException } from '../src/catalog/catalog.exception.js';
import { ChainErrorCode, ChainException } from '../src/chain/chain.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../src/checkout/checkout.exception.js';
import { CommonErrorCode, CommonException } from '../src/common/errors/common.exception.js';
import type { DomainException } from '../src/common/errors/domain.exception.js';
import { ConsentErrorCode, ConsentException } from '../src/consent/consent.exception.js';
import { HealthErrorCode, HealthException } from '../src/health/health.exception.js';
import { IngestionErrorCode, IngestionException } from '../src/ingestion/ingestion.exception.js';
import { LicensingErrorCode, LicensingException } from '../src/licensing/licensing.exception.js';
import { NotificationsErrorCode, NotificationsException } from '../src/notifications/notifications.exception.js';
import { OrganisationErrorCode, OrganisationException } from '../src/organisations/organisations.exception.js';
import { ProvenanceErrorCode } from '../src/provenance/provenance-error.js';
import { ProvenanceException, ProvenanceServiceErrorCode } from '../src/provenance/provenance.exception.js';
import { QuoteErrorCode, QuoteException } from '../src/quotes/quote.exception.js';
import { RateLimitException } from '../src/rate-limit/rate-limit.guard.js';
import { RevenueErrorCode, RevenueException } from '../src/revenue/revenue.exception.js';
import { StorageErrorCode, StorageException } from '../src/storage/storage.exception.js';
import { StripeErrorCode, StripeException } from '../src/stripe/stripe.exception.js';
import { SubscriptionErrorCode, SubscriptionException } from '../src/subscriptions/subscription.exception.js';

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  example?: unknown;
  examples?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  required?: string[];
  additionalProperties?: unknown;
  format?: string;
}

interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** The status every error code of the API is answered with, read from the modules' own exception classes. */
function statusByCode(): Map<string, number> {
  const family = <Code extends string>(codes: Record<string, Code>, make: (code: Code) => DomainException) => Object.values(codes).map(make);
  const exceptions = [
    ...family(AuthErrorCode, (code) => new AuthException(code, '')),
    ...family(CatalogErrorCode, (code) => new CatalogException(code, '')),
    ...family(ChainErrorCode, (code) => new ChainException(code, '')),
    ...family(CheckoutErrorCode, (code) => new CheckoutException(code, '')),
    ...family(CommonErrorCode, (code) => new CommonException(code, '')),
    ...family(ConsentErrorCode, (code) => new ConsentException(code, '')),
    ...family(HealthErrorCode, (code) => new HealthException(code, '')),
    ...family(IngestionErrorCode, (code) => new IngestionException(code, '')),
    ...family(LicensingErrorCode, (code) => new LicensingException(code, '')),
    ...family(NotificationsErrorCode, (code) => new NotificationsException(code, '')),
    ...family(OrganisationErrorCode, (code) => new OrganisationException(code, '')),
    ...family(ProvenanceErrorCode, (code) => new ProvenanceException(code, '')),
    ...family(ProvenanceServiceErrorCode, (code) => new ProvenanceException(code, '')),
    ...family(QuoteErrorCode, (code) => new QuoteException(code, '')),
    ...family(RevenueErrorCode, (code) => new RevenueException(code, '')),
    ...family(StorageErrorCode, (code) => new StorageException(code, '')),
    ...family(StripeErrorCode, (code) => new StripeException(code, '')),
    ...family(SubscriptionErrorCode, (code) => new SubscriptionException(code, '')),
    new RateLimitException(1),
  ];
  return new Map(exceptions.map((exception) => [exception.code, exception.status]));
}

/** Where a documented error answer is not one the API can send: no example, or an example of another status or code. */
function errorExampleProblems(
  operation: string,
  status: string,
  content: Record<string, MediaType> | undefined,
  statuses: Map<string, number>,
): string[] {
  const body = content?.['application/json'];
  const values = body?.examples ? Object.values(body.examples).map((example) => example.value) : body?.example !== undefined ? [body.example] : [];
  if (values.length === 0) return [`${operation} ${status}: no example`];
  return values.flatMap((value) => {
    const example = value as { statusCode?: unknown; error?: unknown; code?: unknown; message?: unknown };
    const problems: string[] = [];
    if (example.statusCode !== Number(status)) problems.push(`statusCode ${String(example.statusCode)}`);
    if (typeof example.code !== 'string' || statuses.get(example.code) !== Number(status)) problems.push(`code ${String(example.code)}`);
    if (typeof example.error !== 'string' || example.error === '') problems.push('no error text');
    if (typeof example.message !== 'string' || example.message === '') problems.push('no message');
    return problems.map((problem) => `${operation} ${status}: ${problem}`);
  });
}

/**
 * Where a schema lacks a value "Try it out" can send or show: every string or number property needs an example (or an
 * enum or a default, which Swagger UI uses instead); booleans show as true; objects and arrays are walked into. With
 * `freeForm`, an object Swagger knows nothing of (no properties: a GeoJSON geometry, format-specific metadata) needs a
 * whole example too, as Swagger UI would show it as `{}`.
 */
function missingExamples(document: OpenApiDocument, schema: Schema, at: string, seen: Set<string>, freeForm = false): string[] {
  if (schema.example !== undefined || schema.examples !== undefined) return [];
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() as string;
    if (seen.has(name)) return [];
    return missingExamples(document, document.components.schemas[name], at, new Set([...seen, name]), freeForm);
  }
  const parts = [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  if (parts.length > 0) return parts.flatMap((part) => missingExamples(document, part, at, seen, freeForm));
  if (schema.items) return missingExamples(document, schema.items, `${at}[]`, seen, freeForm);
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([name, property]) => missingExamples(document, property, `${at}.${name}`, seen, freeForm));
  }
  if (freeForm && schema.type === 'object' && schema.additionalProperties === undefined) return [at];
  if (schema.enum !== undefined || schema.default !== undefined || schema.type === 'boolean' || schema.type === 'object') return [];
  if (schema.type === 'string' || schema.type === 'number' || schema.type === 'integer') return [at];
  return [];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Free-form values whose keys depend on the data (a probe's facts differ by file format): their example is one case. */
const DATA_DEPENDENT = new Set(['metadata', 'content']);

/**
 * Where a real answer's keys differ from the documented example's: the properties the schema lists (each with its
 * example), or the keys of a whole example where the schema gives one. An optional property may be left out.
 */
function keyDifferences(document: OpenApiDocument, schema: Schema, real: unknown, at: string): string[] {
  if (schema.$ref) return keyDifferences(document, document.components.schemas[schema.$ref.split('/').pop() as string], real, at);
  if (schema.allOf) {
    const properties = schema.allOf.reduce<Record<string, Schema>>((all, part) => ({ ...all, ...resolved(document, part).properties }), {});
    const required = schema.allOf.flatMap((part) => resolved(document, part).required ?? []);
    return keyDifferences(document, { type: 'object', properties, required }, real, at);
  }
  if (schema.example !== undefined) return DATA_DEPENDENT.has(at.split('.').pop() as string) ? [] : exampleKeyDifferences(schema.example, real, at);
  if (schema.items) return Array.isArray(real) && real.length > 0 ? keyDifferences(document, schema.items, real[0], `${at}[]`) : [];
  if (!schema.properties || !isRecord(real)) return [];
  const properties = schema.properties;
  return [
    ...Object.keys(real)
      .filter((key) => !(key in properties))
      .map((key) => `${at}.${key} answered but not documented`),
    ...Object.entries(properties).flatMap(([key, property]) => {
      if (key in real) return keyDifferences(document, property, real[key], `${at}.${key}`);
      return schema.required?.includes(key) ? [`${at}.${key} documented but not answered`] : [];
    }),
  ];
}

const resolved = (document: OpenApiDocument, schema: Schema): Schema =>
  schema.$ref ? resolved(document, document.components.schemas[schema.$ref.split('/').pop() as string]) : schema;

/** The same for a whole example (a free-form object): the same keys, arrays compared by their first items. */
function exampleKeyDifferences(example: unknown, real: unknown, at: string): string[] {
  if (Array.isArray(example) && Array.isArray(real)) {
    return example.length > 0 && real.length > 0 ? exampleKeyDifferences(example[0], real[0], `${at}[]`) : [];
  }
  if (!isRecord(example) || !isRecord(real)) return [];
  return [...new Set([...Object.keys(example), ...Object.keys(real)])].flatMap((key) => {
    if (!(key in example)) return [`${at}.${key} answered but not documented`];
    if (!(key in real)) return [`${at}.${key} documented but not answered`];
    return exampleKeyDifferences(example[key], real[key], `${at}.${key}`);
  });
}

/**
 * /docs is the API's manual: every operation says what it does in its summary, and every request body has an example
 * for each value, so that "Try it out" sends something that works.
 */
describe('OpenAPI document: summaries and examples (e2e)', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let operations: [string, Operation][];

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    document = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => METHODS.has(method))
        .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
    );
  });
  afterAll(() => t.close());

  it('has a summary for every operation', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.filter(([, operation]) => !operation.summary?.trim()).map(([name]) => name)).toEqual([]);
  });

  it('has an example for every value of every JSON request body', () => {
    const missing = operations.flatMap(([name, operation]) => {
      const body = operation.requestBody?.content?.['application/json'];
      // A whole example body (where one made from the properties would not work, e.g. a made-up cursor) counts.
      if (!body?.schema || body.example !== undefined || body.examples !== undefined) return [];
      return missingExamples(document, body.schema, name, new Set());
    });
    expect(missing).toEqual([]);
  });

  it('describes what every operation answers on success, so the explorer shows an example response', () => {
    const bare = operations.filter(([, operation]) => {
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
      // A body-less answer (204, a redirect target) is described by its text; any other needs a schema.
      return success.length === 0 || success.some(([status, response]) => status !== '204' && !response.content && !response.description?.trim());
    });
    expect(bare.map(([name]) => name)).toEqual([]);
  });

  it('has an example for every value of every JSON success response', () => {
    const missing = operations.flatMap(([name, operation]) =>
      Object.entries(operation.responses ?? {})
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([status, response]) => {
          const body = response.content?.['application/json'];
          if (!body?.schema || body.example !== undefined || body.examples !== undefined) return [];
          return missingExamples(document, body.schema, `${name} ${status}`, new Set(), true);
        }),
    );
    expect(missing).toEqual([]);
  });

  it('documents responses with the keys the API really answers: search, a dataset, its files, coverage, Croissant and SPDX, readiness', async () => {
    const differences = (path: string, method: string, real: unknown) =>
      keyDifferences(document, document.paths[path][method].responses?.['200']?.content?.['application/json']?.schema as Schema, real, path);
    const admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    const contributor = await signUp(t, 'docs-contributor@example.com', 'contributor');
    const { datasetId } = await publishDataset(
      t,
      { contributor, admin },
      { title: 'Munich dashcam drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 25000, seed: 7 },
    );

    const search = (await t.http().post('/v1/datasets/search').send({ q: 'Munich' }).expect(200)).body as { items: { id: string }[] };
    expect(search.items.map((item) => item.id)).toEqual([datasetId]);
    expect(differences('/v1/datasets/search', 'post', search)).toEqual([]);

    const listed = (await t.http().get('/v1/datasets').query({ q: 'Munich' }).expect(200)).body as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
    expect(differences('/v1/datasets', 'get', listed)).toEqual([]);

    const dataset = (await t.http().get(`/v1/datasets/${datasetId}`).set(auth(contributor)).expect(200)).body as unknown;
    expect(differences('/v1/datasets/{id}', 'get', dataset)).toEqual([]);
    const files = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/files`).expect(200)).body as { items: unknown[] };
    expect(files.items).toHaveLength(2);
    expect(differences('/v1/datasets/{id}/versions/{version}/files', 'get', files)).toEqual([]);
    const coverage = (await t.http().get(`/v1/datasets/${datasetId}/coverage`).expect(200)).body as { features: unknown[] };
    expect(coverage.features.length).toBeGreaterThan(0);
    expect(differences('/v1/datasets/{id}/coverage', 'get', coverage)).toEqual([]);

    // Croissant and SPDX are whole JSON-LD documents: their example is one, with every key a real one has, at every level.
    const jsonLdExample = (path: string) => document.paths[path].get.responses?.['200']?.content?.['application/ld+json']?.example;
    const croissant = (await t.http().get(`/v1/datasets/${datasetId}/croissant`).expect(200)).body as Record<string, unknown>;
    expect(Object.keys(jsonLdExample('/v1/datasets/{id}/croissant') as object).sort()).toEqual(Object.keys(croissant).sort());
    expect(exampleKeyDifferences(jsonLdExample('/v1/datasets/{id}/croissant'), croissant, 'croissant')).toEqual([]);
    const spdx = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/spdx`).expect(200)).body as Record<string, unknown>;
    expect(Object.keys(jsonLdExample('/v1/datasets/{id}/versions/{version}/spdx') as object).sort()).toEqual(Object.keys(spdx).sort());
    expect(exampleKeyDifferences(jsonLdExample('/v1/datasets/{id}/versions/{version}/spdx'), spdx, 'spdx')).toEqual([]);

    const ready = (await t.http().get('/health/ready').expect(200)).body as unknown;
    expect(differences('/health/ready', 'get', ready)).toEqual([]);
  });

  it('shows every error answer with an example of its own status and a code that answers with that status', () => {
    const statuses = statusByCode();
    expect(statuses.get('DATASET_NOT_FOUND')).toBe(404);
    const errors = operations.flatMap(([name, operation]) =>
      Object.entries(operation.responses ?? {})
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]): [string, string, typeof response] => [name, status, response]),
    );
    expect(errors.length).toBeGreaterThan(100);
    expect(errors.flatMap(([name, status, response]) => errorExampleProblems(name, status, response.content, statuses))).toEqual([]);
  });

  it('documents 400 VALIDATION_FAILED wherever the validation pipe reads input: a path or query parameter, or a body', () => {
    const takingInput = operations.filter(
      ([, operation]) =>
        operation.requestBody !== undefined || (operation.parameters ?? []).some((parameter) => ['path', 'query'].includes(parameter.in)),
    );
    expect(takingInput.length).toBeGreaterThan(60);
    const without = takingInput.filter(([, operation]) => {
      const examples = operation.responses?.['400']?.content?.['application/json']?.examples ?? {};
      return !Object.values(examples).some((example) => (example.value as { code?: string }).code === 'VALIDATION_FAILED');
    });
    expect(without.map(([name]) => name)).toEqual([]);
  });

  it('finds an error example of another status, an unknown code or none', () => {
    const statuses = new Map([
      ['DATASET_NOT_FOUND', 404],
      ['VALIDATION_FAILED', 400],
    ]);
    const example = (statusCode: number, code: string) => ({ statusCode, error: 'Not Found', code, message: 'No dataset' });
    expect(errorExampleProblems('GET /x', '404', { 'application/json': { example: example(404, 'DATASET_NOT_FOUND') } }, statuses)).toEqual([]);
    expect(
      errorExampleProblems('GET /x', '404', { 'application/json': { examples: { a: { value: example(400, 'VALIDATION_FAILED') } } } }, statuses),
    ).toEqual(['GET /x 404: statusCode 400', 'GET /x 404: code VALIDATION_FAILED']);
    expect(errorExampleProblems('GET /x', '404', { 'application/json': { example: example(404, 'NO_SUCH_CODE') } }, statuses)).toEqual([
      'GET /x 404: code NO_SUCH_CODE',
    ]);
    expect(errorExampleProblems('GET /x', '404', { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } }, statuses)).toEqual([
      'GET /x 404: no example',
    ]);
  });

  it('gives examples in the forms the API answers: uuids, ISO dates, sha256 hex, base58 keys and signatures', () => {
    const names = new Set<string>();
    const collect = (schema: Schema | undefined): void => {
      if (!schema) return;
      const name = schema.$ref?.split('/').pop();
      if (name !== undefined) {
        if (names.has(name)) return;
        names.add(name);
        collect(document.components.schemas[name]);
        return;
      }
      [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), schema.items, ...Object.values(schema.properties ?? {})].forEach(
        collect,
      );
    };
    for (const [, operation] of operations)
      for (const [status, response] of Object.entries(operation.responses ?? {}))
        if (status.startsWith('2')) collect(response.content?.['application/json']?.schema);
    const bytes = (text: unknown) => getBase58Encoder().encode(text as string).length;
    const checks: [RegExp, (example: unknown) => boolean][] = [
      [/^(sha256|merkleRoot|leafHash|prevHash|hash|grantSetHash)$/, (example) => /^[0-9a-f]{64}$/.test(example as string)],
      [/^(signature|txSignature)$/, (example) => example === null || bytes(example) === 64],
      [/^(walletAddress|wallet|buyerWallet|signer|recipient|splToken|publicKey)$/, (example) => example === null || bytes(example) === 32],
    ];
    const wrong = [...names].flatMap((name) =>
      Object.entries(document.components.schemas[name].properties ?? {}).flatMap(([property, schema]) => {
        const { example, format } = schema;
        if (example === undefined || example === null) return [];
        const ok =
          (format !== 'uuid' || isUuid(example)) &&
          (format !== 'date-time' || typeof example !== 'string' || !Number.isNaN(Date.parse(example))) &&
          checks.every(([pattern, check]) => !pattern.test(property) || check(example));
        return ok ? [] : [`${name}.${property}: ${JSON.stringify(example)}`];
      }),
    );
    expect(names.size).toBeGreaterThan(90);
    expect(wrong).toEqual([]);
  });

  it('documents a licence certificate that verifies with the documented platform key', () => {
    const example = (schema: string, property: string) => document.components.schemas[schema].properties?.[property].example as string;
    const certificate = {
      payload: example('CertificateResponse', 'payload'),
      signature: example('CertificateResponse', 'signature'),
      publicKey: example('PlatformKeysResponse', 'publicKey'),
    };
    expect(certificate.publicKey).toBe(example('CertificateResponse', 'publicKey'));
    expect(verifyCertificate(certificate)).toBe(true);
    expect(verifyCertificate({ ...certificate, payload: certificate.payload.replace('49900', '4990') })).toBe(false);
  });

  it('sends the examples as "Try it out" would, and they work', async () => {
    const bodyOf = (operation: string) => {
      const [method, path] = operation.split(' ');
      const schema = document.paths[path][method.toLowerCase()].requestBody?.content?.['application/json']?.schema as Schema;
      const target = document.components.schemas[(schema.$ref as string).split('/').pop() as string];
      return Object.fromEntries(Object.entries(target.properties ?? {}).map(([name, property]) => [name, property.example ?? property.enum?.[0]]));
    };
    const registered = await t.http().post('/v1/auth/register').send(bodyOf('POST /v1/auth/register'));
    expect(registered.status).toBe(201);
    expect((await t.http().post('/v1/auth/login').send(bodyOf('POST /v1/auth/login'))).status).toBe(200);
    const search = document.paths['/v1/datasets/search'].post.requestBody?.content?.['application/json'] as {
      examples: Record<string, { value: unknown }>;
    };
    for (const example of Object.values(search.examples))
      await t
        .http()
        .post('/v1/datasets/search')
        .send(example.value as object)
        .expect(200);
  });

  it('finds a missing example where there is one', () => {
    const made: OpenApiDocument = {
      paths: {},
      components: { schemas: { Inner: { type: 'object', properties: { id: { type: 'string' }, kind: { type: 'string', enum: ['a'] } } } } },
    };
    const schema: Schema = { type: 'object', properties: { inner: { $ref: '#/components/schemas/Inner' }, n: { type: 'integer', example: 1 } } };
    expect(missingExamples(made, schema, 'body', new Set())).toEqual(['body.inner.id']);
    const withGeometry: Schema = {
      type: 'object',
      properties: { geometry: { type: 'object' }, tags: { type: 'object', additionalProperties: { type: 'string' } } },
    };
    expect(missingExamples(made, withGeometry, 'body', new Set())).toEqual([]);
    expect(missingExamples(made, withGeometry, 'body', new Set(), true)).toEqual(['body.geometry']);
  });

  it('finds keys that differ between a documented example and a real answer', () => {
    const made: OpenApiDocument = {
      paths: {},
      components: {
        schemas: {
          Item: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string', example: 'a' },
              size: { type: 'integer', example: 1 },
              meta: { type: 'object', example: { fps: 30 } },
            },
          },
        },
      },
    };
    const page: Schema = { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } };
    expect(keyDifferences(made, page, { items: [{ id: 'b', meta: { fps: 25 } }] }, 'page')).toEqual([]);
    const file: Schema = { type: 'object', properties: { metadata: { type: 'object', example: { width: 3840 } } } };
    expect(keyDifferences(made, file, { metadata: { fixCount: 20 } }, 'file')).toEqual([]);
    expect(keyDifferences(made, page, { items: [{ size: 2, extra: true, meta: { hz: 10 } }] }, 'page')).toEqual([
      'page.items[].extra answered but not documented',
      'page.items[].id documented but not answered',
      'page.items[].meta.fps documented but not answered',
      'page.items[].meta.hz answered but not documented',
    ]);
  });
});
