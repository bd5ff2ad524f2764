import type { AnchorView } from '../../provenance/dto/anchor-view.js';
import { PERMITTED_USES, type LicenceTerms } from '../../licensing/licence-terms.js';
import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import type { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import { declarationSentences } from './declaration-words.js';
import { mediaTypeOf } from './media-types.js';

export const CROISSANT_SPEC = 'http://mlcommons.org/croissant/1.1';
export const CROISSANT_MEDIA_TYPE = `application/ld+json; profile="${CROISSANT_SPEC}"`;

/**
 * The recommended JSON-LD context of Croissant 1.1 (its Appendix 1), plus the prefixes this document also uses: PROV-O
 * for provenance, ODRL for the licence's permissions, GeoCroissant for the coordinate reference system.
 */
export const CROISSANT_CONTEXT = {
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
  prov: 'http://www.w3.org/ns/prov#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  geocr: 'http://mlcommons.org/croissant/geo/',
} as const;

export type JsonLd = Record<string, unknown>;

export interface CroissantInput {
  /** The origin links are built on (PUBLIC_URL). */
  origin: string;
  version: DatasetVersionEntity;
  /** The version's files in leaf order. */
  files: readonly DatasetVersionFileEntity[];
  anchor: AnchorView | null;
}

/** Words for the licence's permitted uses, as the dataset page says them. */
const USE_WORDS: Record<(typeof PERMITTED_USES)[number], string> = {
  aiTraining: 'training AI models',
  evaluation: 'evaluating AI models',
  commercialUse: 'commercial use',
  redistribution: 'redistributing the data',
  derivativeMaps: 'making derivative maps',
};

/** The ODRL 2.2 actions of the uses ODRL names; AI training and evaluation are the marketplace's own (under /v1/licences). */
const ODRL_ACTIONS: Partial<Record<(typeof PERMITTED_USES)[number], string>> = {
  commercialUse: 'odrl:commercialize',
  redistribution: 'odrl:distribute',
  derivativeMaps: 'odrl:derive',
};

/** One id per file: its manifest path (unique in a version, and where the download client writes it). */
const fileId = (file: DatasetVersionFileEntity) => encodeURI(file.path);

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A record-set id from a file path: the path itself, which is unique, with a suffix naming what it lists. */
const recordSetId = (file: DatasetVersionFileEntity, what: string) => `${fileId(file)}#${what}`;

/**
 * The columns of a CSV file as a RecordSet read straight from it; latitude / longitude columns (named by the probe)
 * are floats, the time column a date-time when the probe read it as ISO text, every other column text.
 */
function csvRecordSet(file: DatasetVersionFileEntity): JsonLd | null {
  const columns = stringList(file.metadata.columns);
  if (columns.length === 0 || columns.length !== file.metadata.columnCount) return null;
  const id = recordSetId(file, 'rows');
  const numeric = new Set([file.metadata.latitudeColumn, file.metadata.longitudeColumn].filter((c) => typeof c === 'string'));
  return {
    '@type': 'cr:RecordSet',
    '@id': id,
    name: `Rows of ${file.path}`,
    description: `${typeof file.metadata.rows === 'number' ? `${file.metadata.rows} rows` : 'Rows'} of ${columns.length} columns, as the probe read them.`,
    field: columns.map((column, index) => ({
      '@type': 'cr:Field',
      '@id': `${id}/${index}-${encodeURIComponent(column)}`,
      name: column,
      dataType: numeric.has(column) ? 'sc:Float' : 'sc:Text',
      source: { fileObject: { '@id': fileId(file) }, extract: { column } },
    })),
  };
}

/** The signals of a JSON Lines file (one object per line) as fields extracted by JSONPath. */
function jsonlRecordSet(file: DatasetVersionFileEntity): JsonLd | null {
  const signals = stringList(file.metadata.signalNames).filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (signals.length === 0) return null;
  const id = recordSetId(file, 'lines');
  return {
    '@type': 'cr:RecordSet',
    '@id': id,
    name: `Lines of ${file.path}`,
    description: 'One record per JSON line; the signals the probe found in them.',
    field: signals.map((signal) => ({
      '@type': 'cr:Field',
      '@id': `${id}/${signal}`,
      name: signal,
      dataType: 'sc:Text',
      source: { fileObject: { '@id': fileId(file) }, extract: { jsonPath: `$.${signal}` } },
    })),
  };
}

interface TopicRow {
  topic: string;
  type: string | null;
  encoding: string | null;
  messages: number;
}

/** The topics of a robotics log (MCAP channels, ROS 2 bag topics) as the probe listed them. */
function topicRows(file: DatasetVersionFileEntity): TopicRow[] {
  const channels = file.metadata.channels;
  if (Array.isArray(channels)) {
    return channels.flatMap((c: unknown) => {
      if (typeof c !== 'object' || c === null) return [];
      const channel = c as Record<string, unknown>;
      if (typeof channel.topic !== 'string') return [];
      return [
        {
          topic: channel.topic,
          type: typeof channel.schemaName === 'string' ? channel.schemaName : null,
          encoding: typeof channel.messageEncoding === 'string' ? channel.messageEncoding : null,
          messages: typeof channel.messageCount === 'number' ? channel.messageCount : 0,
        },
      ];
    });
  }
  const topics = file.metadata.topics;
  if (Array.isArray(topics)) {
    return topics.flatMap((t: unknown) => {
      if (typeof t !== 'object' || t === null) return [];
      const topic = t as Record<string, unknown>;
      const name = topic.topic ?? topic.name;
      if (typeof name !== 'string') return [];
      return [
        {
          topic: name,
          type: typeof topic.type === 'string' ? topic.type : null,
          encoding: typeof topic.serializationFormat === 'string' ? topic.serializationFormat : null,
          messages: typeof topic.messageCount === 'number' ? topic.messageCount : 0,
        },
      ];
    });
  }
  return [];
}

/**
 * A robotics log's topics as a RecordSet with inline data (Croissant's enumeration form): the messages themselves are
 * binary (CDR, ROS 1) and need the log's own reader, but a pipeline can pick its topics from this table.
 */
function topicsRecordSet(file: DatasetVersionFileEntity): JsonLd | null {
  const rows = topicRows(file);
  if (rows.length === 0) return null;
  const id = recordSetId(file, 'topics');
  const field = (name: string, dataType: string) => ({ '@type': 'cr:Field', '@id': `${id}/${name}`, name, dataType });
  return {
    '@type': 'cr:RecordSet',
    '@id': id,
    name: `Topics of ${file.path}`,
    description: 'The message topics in this log, their message type, encoding and message count.',
    key: { '@id': `${id}/topic` },
    field: [field('topic', 'sc:Text'), field('type', 'sc:Text'), field('encoding', 'sc:Text'), field('messages', 'sc:Integer')],
    data: rows.map((row) => ({
      [`${id}/topic`]: row.topic,
      [`${id}/type`]: row.type ?? '',
      [`${id}/encoding`]: row.encoding ?? '',
      [`${id}/messages`]: row.messages,
    })),
  };
}

function recordSetOf(file: DatasetVersionFileEntity): JsonLd | null {
  if (file.format === 'csv') return csvRecordSet(file);
  if (file.format === 'jsonl') return jsonlRecordSet(file);
  return topicsRecordSet(file);
}

function fileObject(file: DatasetVersionFileEntity): JsonLd {
  return {
    '@type': 'cr:FileObject',
    '@id': fileId(file),
    name: file.path,
    description: `${file.modality} (${file.format}) recorded by one contributor; capture ${file.captureId}.`,
    // Relative to this document: the download client writes each file at its path beside croissant.json.
    contentUrl: file.path,
    contentSize: `${file.sizeBytes} B`,
    encodingFormat: mediaTypeOf(file.format),
    sha256: file.sha256,
  };
}

/** A FileSet per modality folder whose files share one media type: the whole folder by one glob. */
function fileSets(files: readonly DatasetVersionFileEntity[]): JsonLd[] {
  const byFolder = new Map<string, DatasetVersionFileEntity[]>();
  for (const file of files) {
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.indexOf('/')) : null;
    if (folder !== null) byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  return [...byFolder].flatMap(([folder, members]) => {
    const types = new Set(members.map((f) => mediaTypeOf(f.format)));
    if (members.length < 2 || types.size !== 1) return [];
    return [
      {
        '@type': 'cr:FileSet',
        '@id': `${folder}/`,
        name: `All ${folder} files`,
        description: `The ${members.length} ${folder} files of this version.`,
        encodingFormat: [...types][0],
        includes: `${folder}/*`,
      },
    ];
  });
}

/** The licence as an ODRL offer: each permitted use a permission, the others prohibitions, territory and term as constraints. */
function usageInfo(version: DatasetVersionEntity, licenceUrl: string, usesUrl: string): JsonLd {
  const terms: LicenceTerms = version.licenceTerms;
  const constraints: JsonLd[] = [
    {
      '@type': 'odrl:Constraint',
      'odrl:leftOperand': { '@id': 'odrl:spatial' },
      'odrl:operator': { '@id': 'odrl:isAnyOf' },
      'odrl:rightOperand': terms.territory,
    },
  ];
  if (terms.termMonths !== null) {
    constraints.push({
      '@type': 'odrl:Constraint',
      'odrl:leftOperand': { '@id': 'odrl:elapsedTime' },
      'odrl:operator': { '@id': 'odrl:lteq' },
      'odrl:rightOperand': `P${terms.termMonths}M`,
    });
  }
  if (terms.maxSeats !== null) {
    constraints.push({
      '@type': 'odrl:Constraint',
      'odrl:leftOperand': { '@id': 'odrl:count' },
      'odrl:operator': { '@id': 'odrl:lteq' },
      'odrl:rightOperand': terms.maxSeats,
    });
  }
  const rule = (use: (typeof PERMITTED_USES)[number]) => ({
    'odrl:action': { '@id': ODRL_ACTIONS[use] ?? `${usesUrl}#${use}` },
    name: USE_WORDS[use],
  });
  return {
    '@type': ['CreativeWork', 'odrl:Offer'],
    name: `${version.licenceName}: terms of this version`,
    url: licenceUrl,
    'odrl:permission': PERMITTED_USES.filter((use) => terms.permittedUses[use]).map((use) => ({
      '@type': 'odrl:Permission',
      ...rule(use),
      'odrl:constraint': constraints,
      ...(terms.attributionRequired ? { 'odrl:duty': { 'odrl:action': { '@id': 'odrl:attribute' } } } : {}),
    })),
    'odrl:prohibition': PERMITTED_USES.filter((use) => !terms.permittedUses[use]).map((use) => ({ '@type': 'odrl:Prohibition', ...rule(use) })),
  };
}

function provenance(input: CroissantInput, datasetUrl: string): JsonLd[] {
  const { version, anchor } = input;
  const activities: JsonLd[] = [
    {
      '@type': 'prov:Activity',
      '@id': `${datasetUrl}/versions/${version.version}#freeze`,
      'prov:label': `Frozen at publication: Merkle root ${version.merkleRoot} over the dsv1 leaves of the ${version.fileCount} files`,
      'prov:endedAtTime': iso(version.publishedAt),
      identifier: version.merkleRoot,
    },
  ];
  if (anchor && anchor.status === 'confirmed' && anchor.signature) {
    activities.push({
      '@type': 'prov:Activity',
      '@id': `${datasetUrl}/versions/${version.version}#anchor`,
      'prov:label': `Merkle root anchored on Solana (${anchor.cluster ?? 'unknown cluster'}) with the memo ${anchor.memo}`,
      'prov:endedAtTime': anchor.confirmedAt,
      identifier: anchor.signature,
    });
  }
  return activities;
}

/** The Responsible-AI fields, from the declarations the contributor made and the facts the probes read. */
function raiFields(version: DatasetVersionEntity, files: readonly DatasetVersionFileEntity[]): JsonLd {
  const sources = version.networks.length ? `pushed as signed batches by ${version.networks.join(', ')}` : 'uploaded directly by their contributors';
  const withoutPosition = files.filter((f) => f.footprint === null).length;
  const limitations = [
    withoutPosition ? `${withoutPosition} of ${files.length} files carry no position (no footprint on the map).` : null,
    version.declarations.restrictedLocations
      ? `Restricted locations are shown: ${version.declarations.restrictedLocationsNote ?? ''}`.trim()
      : 'The contributor declared that no restricted locations are shown.',
  ].filter((s): s is string => s !== null);
  const rai: JsonLd = {
    'rai:dataCollection': `Sensor recordings (${version.modalities.join(', ')}) ${sources}, ${files.length} files from ${version.contributors.length} contributor${version.contributors.length === 1 ? '' : 's'}. Each file was verified by size and SHA-256 on arrival and read by a format probe (duration, positions, channels) before review by a marketplace admin.`,
    'rai:dataCollectionType': ['Sensor recordings'],
    'rai:personalSensitiveInformation': declarationSentences(version.declarations).join(' '),
    'rai:dataUseCases': PERMITTED_USES.filter((use) => version.licenceTerms.permittedUses[use]).map((use) => USE_WORDS[use]),
    'rai:dataLimitations': limitations.join(' '),
    'rai:dataReleaseMaintenancePlan':
      'Each version is frozen at publication and never changes; edits and consent withdrawals make a new version, and buyers of a version that held withdrawn captures are told.',
  };
  const timeframe = [iso(version.timeStart), iso(version.timeEnd)].filter((t): t is string => t !== null);
  if (timeframe.length) rai['rai:dataCollectionTimeframe'] = timeframe;
  return rai;
}

/** GeoCroissant coverage: the version's WGS84 bounding box (schema.org box: south west north east as lat lon pairs) and time span. */
function geoFields(version: DatasetVersionEntity): JsonLd {
  const geo: JsonLd = {};
  const { minLon, minLat, maxLon, maxLat } = version;
  if (minLon !== null && minLat !== null && maxLon !== null && maxLat !== null) {
    geo.spatialCoverage = { '@type': 'Place', geo: { '@type': 'GeoShape', box: `${minLat} ${minLon} ${maxLat} ${maxLon}` } };
    geo['geocr:coordinateReferenceSystem'] = 'EPSG:4326';
  }
  if (version.timeStart !== null && version.timeEnd !== null) geo.temporalCoverage = `${iso(version.timeStart)}/${iso(version.timeEnd)}`;
  return geo;
}

function citation(version: DatasetVersionEntity, datasetUrl: string): string {
  const year = new Date(version.publishedAt).getUTCFullYear();
  const key = `depai-${version.datasetId.slice(0, 8)}-v${version.version}`;
  const escape = (text: string) => text.replace(/[{}\\]/g, '');
  return `@misc{${key}, title = {${escape(version.title)}}, year = {${year}}, version = {${version.version}}, howpublished = {\\url{${datasetUrl}}}, note = {Merkle root ${version.merkleRoot}}}`;
}

/** The Croissant 1.1 description of one published version (with RAI and GeoCroissant fields), as JSON-LD. */
export function croissantDocument(input: CroissantInput): JsonLd {
  const { origin, version, files } = input;
  const datasetUrl = `${origin}/datasets/${version.datasetId}`;
  const apiUrl = `${origin}/v1/datasets/${version.datasetId}`;
  const licenceUrl = `${datasetUrl}#licence`;
  const recordSets = files.map(recordSetOf).filter((r): r is JsonLd => r !== null);
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    '@id': `${apiUrl}/versions/${version.version}`,
    conformsTo: CROISSANT_SPEC,
    name: version.title,
    description: version.description,
    url: datasetUrl,
    version: `${version.version}.0.0`,
    datePublished: iso(version.publishedAt),
    keywords: [...new Set([...version.tags, ...version.modalities])],
    creator: {
      '@type': 'Organization',
      name: `${version.contributors.length} contributor${version.contributors.length === 1 ? '' : 's'} of the DePAI data marketplace`,
      url: origin,
    },
    publisher: { '@type': 'Organization', name: 'DePAI data marketplace', url: origin },
    license: { '@type': 'CreativeWork', name: version.licenceName, url: licenceUrl, text: version.licenceText },
    usageInfo: usageInfo(version, licenceUrl, `${origin}/v1/licences`),
    isAccessibleForFree: false,
    offers: { '@type': 'Offer', price: (version.priceUsdCents / 100).toFixed(2), priceCurrency: 'USD', url: datasetUrl },
    citeAs: citation(version, datasetUrl),
    sdLicense: 'https://creativecommons.org/publicdomain/zero/1.0/',
    ...geoFields(version),
    ...raiFields(version, files),
    'prov:wasGeneratedBy': provenance(input, apiUrl),
    distribution: [...files.map(fileObject), ...fileSets(files)],
    ...(recordSets.length ? { recordSet: recordSets } : {}),
  };
}
