/**
 * A Croissant 1.1 validator for the tests: the JSON-LD context against the specification's Appendix 1, and the rules
 * of mlcroissant that can be checked without downloading the data (required properties, conformsTo, unique ids,
 * references that resolve, sha256 / contentSize / encodingFormat of each FileObject, fields of each RecordSet with a
 * dataType and a source or inline data), plus the RAI and GeoCroissant fields the marketplace promises.
 * Answers every problem found; an empty list means valid.
 */

/** Croissant 1.1, Appendix 1 "JSON-LD context", as published (docs/croissant-spec-1.1.md of mlcommons/croissant). */
export const CROISSANT_1_1_CONTEXT: Readonly<Record<string, unknown>> = {
  '@language': 'en',
  '@vocab': 'http://schema.org/',
  sc: 'http://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  annotation: 'cr:annotation',
  arrayShape: 'cr:arrayShape',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  containedIn: 'cr:containedIn',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  equivalentProperty: 'cr:equivalentProperty',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  excludes: 'cr:excludes',
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isArray: 'cr:isArray',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  readLines: 'cr:readLines',
  sdVersion: 'cr:sdVersion',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
  unArchive: 'cr:unArchive',
  value: 'cr:value',
};

/** Prefixes the documents may add for the vocabularies Croissant recommends (PROV-O, ODRL, GeoCroissant). */
const EXTRA_PREFIXES: Record<string, string> = {
  prov: 'http://www.w3.org/ns/prov#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  geocr: 'http://mlcommons.org/croissant/geo/',
};

/** The Croissant data types mlcroissant reads (schema.org and cr: types). */
const DATA_TYPES = new Set([
  'sc:Boolean',
  'sc:Date',
  'sc:DateTime',
  'sc:Float',
  'sc:Integer',
  'sc:Number',
  'sc:Text',
  'sc:URL',
  'sc:ImageObject',
  'sc:AudioObject',
  'sc:VideoObject',
  'cr:BoundingBox',
  'cr:Label',
  'cr:Split',
]);

const SPEC = 'http://mlcommons.org/croissant/1.1';
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isIsoDate = (v: unknown) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v) && !Number.isNaN(Date.parse(v));
/** A JSON value as text for checks on strings; objects and arrays are never valid there. */
const textOf = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const refOf = (v: unknown): string | null => (isObject(v) && Object.keys(v).length === 1 && typeof v['@id'] === 'string' ? v['@id'] : null);

export function validateCroissant(doc: unknown): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(text);
  if (!isObject(doc)) return ['the document is not a JSON object'];

  // The context: every term of Appendix 1 with its exact definition; other prefixes only the known ones.
  const context = doc['@context'];
  if (!isObject(context)) {
    problem('@context must be an object');
    return problems;
  }
  for (const [term, definition] of Object.entries(CROISSANT_1_1_CONTEXT)) {
    if (JSON.stringify(context[term]) !== JSON.stringify(definition))
      problem(`@context.${term} must be ${JSON.stringify(definition)}, is ${JSON.stringify(context[term])}`);
  }
  for (const [term, definition] of Object.entries(context)) {
    if (term in CROISSANT_1_1_CONTEXT) continue;
    if (EXTRA_PREFIXES[term] !== definition) problem(`@context.${term} is not a Croissant 1.1 term nor a recommended prefix`);
  }

  // Every key used anywhere is a JSON-LD keyword, a context term, a declared prefix:term, or a schema.org term (@vocab).
  const checkKeys = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        checkKeys(item, `${where}[${i}]`);
      });
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : null;
      if (prefix !== null && !(prefix in context)) problem(`${where}.${key}: prefix ${prefix} is not declared in @context`);
      if (prefix === null && !key.startsWith('@') && !/^[a-z][A-Za-z0-9]*$/.test(key) && !(key in context) && !key.includes('/')) {
        problem(`${where}.${key} is not a term`);
      }
      // Inline record data is keyed by field ids (@json values are opaque to JSON-LD).
      if (key === 'data') continue;
      checkKeys(value, `${where}.${key}`);
    }
  };
  checkKeys(doc, '$');

  // Dataset-level requirements.
  if (doc['@type'] !== 'sc:Dataset' && doc['@type'] !== 'Dataset') problem('@type must be sc:Dataset');
  if (!asList(doc.conformsTo).includes(SPEC)) problem(`conformsTo must include ${SPEC}`);
  for (const key of ['name', 'description']) if (!isText(doc[key])) problem(`${key} is required text`);
  if (typeof doc.url !== 'string' || !/^https?:\/\//.test(doc.url)) problem('url is required (an absolute URL)');
  const licences = asList(doc.license);
  if (licences.length === 0) problem('license is required');
  for (const licence of licences) {
    if (typeof licence === 'string' ? !/^https?:\/\//.test(licence) : !(isObject(licence) && isText(licence.name)))
      problem('license must be a URL or a CreativeWork with a name');
  }
  const creators = asList(doc.creator);
  if (
    creators.length === 0 ||
    creators.some((c) => !isObject(c) || !['Organization', 'Person', 'sc:Organization', 'sc:Person'].includes(String(c['@type'])) || !isText(c.name))
  ) {
    problem('creator is required: Organization or Person with a name');
  }
  if (!isIsoDate(doc.datePublished)) problem('datePublished must be an ISO 8601 date');
  if (doc.version !== undefined && !/^\d+\.\d+\.\d+$/.test(textOf(doc.version))) problem('version should be MAJOR.MINOR.PATCH');

  // Ids are unique across the document; references point at one of them.
  const ids = new Map<string, Json>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(collect);
      return;
    }
    if (!isObject(node)) return;
    const id = node['@id'];
    // An IRI reference: no spaces or control characters, at most one fragment.
    if (typeof id === 'string' && (/[\s<>"{}|\\^`]/.test(id) || id.split('#').length > 2)) problem(`@id ${id} is not an IRI`);
    if (typeof id === 'string' && refOf(node) === null) {
      if (ids.has(id)) problem(`@id ${id} is not unique`);
      ids.set(id, node);
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'data') collect(value);
  };
  collect(doc);
  const resolves = (ref: unknown, types: string[], where: string) => {
    const id = refOf(ref);
    const target = id === null ? undefined : ids.get(id);
    if (id === null) problem(`${where} must be a reference {"@id": ...}`);
    else if (!target) problem(`${where} references ${id}, which is not defined`);
    else if (!types.includes(textOf(target['@type']))) problem(`${where} references ${id}, a ${textOf(target['@type'])}, not ${types.join(' or ')}`);
  };

  // Resources.
  const distribution = asList(doc.distribution);
  if (distribution.length === 0) problem('distribution is required');
  distribution.forEach((resource, i) => {
    const where = `distribution[${i}]`;
    if (!isObject(resource)) return problem(`${where} must be an object`);
    if (!isText(resource['@id'])) problem(`${where} needs an @id`);
    if (!isText(resource.name)) problem(`${where} needs a name`);
    if (typeof resource.encodingFormat !== 'string' || !MEDIA_TYPE.test(resource.encodingFormat))
      problem(`${where}.encodingFormat must be a media type`);
    if (resource['@type'] === 'cr:FileObject') {
      if (!isText(resource.contentUrl) && resource.containedIn === undefined) problem(`${where} needs a contentUrl or containedIn`);
      if (typeof resource.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(resource.sha256)) problem(`${where}.sha256 must be 64 lowercase hex digits`);
      if (resource.contentSize !== undefined && !/^\d+ (B|kB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.test(textOf(resource.contentSize)))
        problem(`${where}.contentSize must be "<n> B"`);
    } else if (resource['@type'] === 'cr:FileSet') {
      if (asList(resource.includes).length === 0 && resource.containedIn === undefined) problem(`${where} (FileSet) needs includes or containedIn`);
    } else {
      problem(`${where}.@type must be cr:FileObject or cr:FileSet`);
    }
    for (const ref of asList(resource.containedIn)) resolves(ref, ['cr:FileObject', 'cr:FileSet'], `${where}.containedIn`);
  });

  // Record sets and their fields.
  asList(doc.recordSet).forEach((recordSet, i) => {
    const where = `recordSet[${i}]`;
    if (!isObject(recordSet) || recordSet['@type'] !== 'cr:RecordSet') return problem(`${where}.@type must be cr:RecordSet`);
    const setId = textOf(recordSet['@id']);
    if (!setId) problem(`${where} needs an @id`);
    if (!isText(recordSet.name)) problem(`${where} needs a name`);
    const fields = asList(recordSet.field);
    if (fields.length === 0) problem(`${where} has no field`);
    const fieldIds = new Set<string>();
    fields.forEach((field, j) => {
      const at = `${where}.field[${j}]`;
      if (!isObject(field) || field['@type'] !== 'cr:Field') return problem(`${at}.@type must be cr:Field`);
      const id = textOf(field['@id']);
      if (!id.startsWith(`${setId}/`)) problem(`${at}.@id should start with its record set's id and a slash`);
      fieldIds.add(id);
      if (!isText(field.name)) problem(`${at} needs a name`);
      for (const type of asList(field.dataType))
        if (!DATA_TYPES.has(String(type))) problem(`${at}.dataType ${String(type)} is not a Croissant data type`);
      if (asList(field.dataType).length === 0) problem(`${at} needs a dataType`);
      if (field.source === undefined && recordSet.data === undefined) problem(`${at} needs a source (or its record set inline data)`);
      if (field.source !== undefined) {
        const source = field.source;
        if (!isObject(source)) return problem(`${at}.source must be an object`);
        const from = source.fileObject ?? source.fileSet;
        if (from === undefined) problem(`${at}.source needs a fileObject or fileSet`);
        else resolves(from, ['cr:FileObject', 'cr:FileSet'], `${at}.source`);
        const extract = source.extract;
        if (!isObject(extract) || [extract.column, extract.jsonPath, extract.fileProperty].filter((v) => v !== undefined).length !== 1) {
          problem(`${at}.source.extract must name exactly one of column, jsonPath, fileProperty`);
        }
      }
      if (field.references !== undefined) resolves(field.references, ['cr:Field'], `${at}.references`);
    });
    for (const key of asList(recordSet.key)) {
      const id = refOf(key);
      if (id === null || !fieldIds.has(id)) problem(`${where}.key must reference one of its fields`);
    }
    if (recordSet.data !== undefined) {
      asList(recordSet.data).forEach((record, k) => {
        if (!isObject(record)) return problem(`${where}.data[${k}] must be an object`);
        for (const key of Object.keys(record)) if (!fieldIds.has(key)) problem(`${where}.data[${k}].${key} is not a field of the record set`);
        for (const id of fieldIds) if (!(id in record)) problem(`${where}.data[${k}] lacks ${id}`);
      });
    }
  });

  // Responsible AI and GeoCroissant, as the marketplace fills them.
  for (const key of ['rai:dataCollection', 'rai:personalSensitiveInformation']) if (!isText(doc[key])) problem(`${key} is required text`);
  for (const date of asList(doc['rai:dataCollectionTimeframe']))
    if (!isIsoDate(date)) problem('rai:dataCollectionTimeframe must hold ISO 8601 dates');
  if (doc.spatialCoverage !== undefined) {
    const place = doc.spatialCoverage;
    const box = isObject(place) && isObject(place.geo) ? place.geo.box : undefined;
    const numbers = typeof box === 'string' ? box.split(' ').map(Number) : [];
    if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) problem('spatialCoverage.geo.box must be "south west north east"');
    else {
      const [south, west, north, east] = numbers;
      if (Math.abs(south) > 90 || Math.abs(north) > 90 || south > north || Math.abs(west) > 180 || Math.abs(east) > 180)
        problem('spatialCoverage.geo.box is not a lat/lon box');
    }
  }
  if (doc.temporalCoverage !== undefined) {
    const [start, end] = textOf(doc.temporalCoverage).split('/');
    if (!isIsoDate(start) || !isIsoDate(end) || Date.parse(start) > Date.parse(end)) problem('temporalCoverage must be "start/end" in ISO 8601');
  }
  return problems;
}
