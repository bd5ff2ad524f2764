import { startTestApp, type TestApp } from './support/test-app.js';

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
}

interface Operation {
  summary?: string;
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown; examples?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema; example?: unknown }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * Where a schema lacks a value "Try it out" can send or show: every string or number property needs an example (or an
 * enum or a default, which Swagger UI uses instead); booleans show as true; objects and arrays are walked into.
 */
function missingExamples(document: OpenApiDocument, schema: Schema, at: string, seen: Set<string>): string[] {
  if (schema.example !== undefined || schema.examples !== undefined) return [];
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() as string;
    if (seen.has(name)) return [];
    return missingExamples(document, document.components.schemas[name], at, new Set([...seen, name]));
  }
  const parts = [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  if (parts.length > 0) return parts.flatMap((part) => missingExamples(document, part, at, seen));
  if (schema.items) return missingExamples(document, schema.items, `${at}[]`, seen);
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([name, property]) => missingExamples(document, property, `${at}.${name}`, seen));
  }
  if (schema.enum !== undefined || schema.default !== undefined || schema.type === 'boolean' || schema.type === 'object') return [];
  if (schema.type === 'string' || schema.type === 'number' || schema.type === 'integer') return [at];
  return [];
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
    t = await startTestApp();
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
  });
});
