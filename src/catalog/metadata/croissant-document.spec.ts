import { CROISSANT_1_1_CONTEXT, validateCroissant } from '../../../test/support/croissant-validator.js';
import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import type { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import { CROISSANT_CONTEXT, croissantDocument, type JsonLd } from './croissant-document.js';

const DATASET = '6f1c1b54-3f0e-4a35-9b53-0c9b1d7a8e01';

function version(overrides: Partial<DatasetVersionEntity> = {}): DatasetVersionEntity {
  return Object.assign(
    {
      datasetId: DATASET,
      version: 2,
      ownerId: 'owner',
      title: 'Alpine drives',
      description: 'GNSS and CAN logs.',
      tags: ['gnss'],
      modalities: ['gnss', 'telemetry'],
      networks: [],
      licenceTemplateId: 'tpl',
      licenceSlug: 'commercial-ai-training',
      licenceName: 'Commercial AI training',
      licenceTerms: {
        permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
        attributionRequired: true,
        territory: ['WORLD'],
        termMonths: 24,
        exclusive: false,
        maxSeats: null,
      },
      licenceText: 'The licensor grants the buyer a licence to train models on the data.',
      exclusive: false,
      priceUsdCents: 12_345,
      unitPrices: null,
      declarations: { ownsRights: true, identifiablePeople: true, consentObtained: true, piiRedacted: true, restrictedLocations: false },
      splitPolicy: null,
      contributors: [{ contributorId: 'c1', files: 2, bytes: 300, durationSeconds: 3600, messages: 10, weight: 300 }],
      sampleFiles: [],
      minLon: 14.1,
      minLat: 46.0,
      maxLon: 14.5,
      maxLat: 46.2,
      timeStart: new Date('2026-11-27T08:00:00Z'),
      timeEnd: new Date('2026-11-27T09:00:00Z'),
      fileCount: 3,
      totalBytes: 600,
      totalDurationSeconds: 3600,
      totalPoints: 0,
      totalMessages: 10,
      merkleRoot: 'ab'.repeat(32),
      listed: true,
      publishedAt: new Date('2026-11-28T10:00:00Z'),
      approvedBy: 'admin',
    } satisfies DatasetVersionEntity,
    overrides,
  );
}

function file(path: string, format: string, metadata: Record<string, unknown>, leafIndex: number): DatasetVersionFileEntity {
  return {
    datasetId: DATASET,
    version: 2,
    path,
    leafIndex,
    captureId: `00000000-0000-4000-8000-00000000000${leafIndex}`,
    contributorId: 'c1',
    objectKey: 'k',
    sizeBytes: 100 + leafIndex,
    sha256: String(leafIndex).repeat(64),
    modality: path.split('/')[0],
    format,
    deviceSignatureValid: null,
    metadata,
    footprint: null,
    footprintReason: 'no positions',
    gnssQuality: null,
    timeStart: null,
    timeEnd: null,
  };
}

const FILES = [
  file('gnss/a.nmea', 'nmea', {}, 0),
  file('gnss/b.nmea', 'nmea', {}, 1),
  file(
    'telemetry/can log.csv',
    'csv',
    { columns: ['time', 'lat', 'lon', 'speed kmh'], columnCount: 4, rows: 5, latitudeColumn: 'lat', longitudeColumn: 'lon' },
    2,
  ),
  file(
    'telemetry/run.mcap',
    'mcap',
    { channels: [{ id: 1, topic: '/fix', messageEncoding: 'cdr', schemaName: 'sensor_msgs/msg/NavSatFix', messageCount: 10 }] },
    3,
  ),
];

const build = (overrides: Partial<DatasetVersionEntity> = {}) =>
  croissantDocument({ origin: 'https://market.test', version: version(overrides), files: FILES, anchor: null });

/** A deep copy to break. */
const copy = (doc: JsonLd): JsonLd => JSON.parse(JSON.stringify(doc)) as JsonLd;
const list = (doc: JsonLd, key: string) => doc[key] as JsonLd[];

describe('croissantDocument', () => {
  it('builds a document the validator accepts, with the spec context unchanged', () => {
    const doc = build();
    expect(validateCroissant(doc)).toEqual([]);
    expect(doc['@context']).toMatchObject({ cr: 'http://mlcommons.org/croissant/', dataType: { '@id': 'cr:dataType', '@type': '@vocab' } });
    expect(Object.keys(CROISSANT_CONTEXT).filter((term) => !(term in CROISSANT_1_1_CONTEXT))).toEqual(['prov', 'odrl', 'geocr']);
  });

  it('makes one FileSet per folder of one media type, FileObjects with encoded ids, and record sets', () => {
    const doc = build();
    const distribution = list(doc, 'distribution');
    expect(distribution.filter((d) => d['@type'] === 'cr:FileSet')).toEqual([
      expect.objectContaining({ '@id': 'gnss/', includes: 'gnss/*', encodingFormat: 'text/x-nmea' }),
    ]);
    expect(distribution.find((d) => d.name === 'telemetry/can log.csv')).toMatchObject({
      '@id': 'telemetry/can%20log.csv',
      contentSize: '102 B',
      encodingFormat: 'text/csv',
    });
    const [csv, mcap] = list(doc, 'recordSet');
    expect((csv.field as JsonLd[]).map((f) => [f.name, f.dataType])).toEqual([
      ['time', 'sc:Text'],
      ['lat', 'sc:Float'],
      ['lon', 'sc:Float'],
      ['speed kmh', 'sc:Text'],
    ]);
    expect(mcap.data).toEqual([
      {
        'telemetry/run.mcap#topics/topic': '/fix',
        'telemetry/run.mcap#topics/type': 'sensor_msgs/msg/NavSatFix',
        'telemetry/run.mcap#topics/encoding': 'cdr',
        'telemetry/run.mcap#topics/messages': 10,
      },
    ]);
  });

  it('says what the declarations say, and carries the coverage as GeoCroissant', () => {
    const doc = build();
    expect(doc['rai:personalSensitiveInformation']).toContain('their consent was obtained');
    expect(doc.spatialCoverage).toEqual({ '@type': 'Place', geo: { '@type': 'GeoShape', box: '46 14.1 46.2 14.5' } });
    expect(doc.temporalCoverage).toBe('2026-11-27T08:00:00.000Z/2026-11-27T09:00:00.000Z');
    const noPlace = build({ minLon: null, minLat: null, maxLon: null, maxLat: null, timeStart: null, timeEnd: null });
    expect(noPlace.spatialCoverage).toBeUndefined();
    expect(noPlace['rai:dataCollectionTimeframe']).toBeUndefined();
    expect(validateCroissant(noPlace)).toEqual([]);
  });
});

describe('the Croissant validator catches', () => {
  const cases: [string, (doc: JsonLd) => void, string][] = [
    ['a changed context term', (d) => ((d['@context'] as JsonLd).field = 'cr:fields'), '@context.field'],
    ['a missing context term', (d) => delete (d['@context'] as JsonLd).recordSet, '@context.recordSet'],
    ['an undeclared prefix', (d) => (d['foo:bar'] = 1), 'prefix foo'],
    ['another conformsTo', (d) => (d.conformsTo = 'http://mlcommons.org/croissant/1.0'), 'conformsTo'],
    ['no licence', (d) => delete d.license, 'license is required'],
    ['no url', (d) => delete d.url, 'url is required'],
    ['no creator', (d) => delete d.creator, 'creator'],
    ['a bad publication date', (d) => (d.datePublished = 'yesterday'), 'datePublished'],
    ['an id that is no IRI', (d) => (list(d, 'distribution')[0]['@id'] = 'gnss/a b.nmea'), 'is not an IRI'],
    ['an id with two fragments', (d) => ((d.usageInfo as JsonLd)['@id'] = 'https://m.test/x#a#b'), 'is not an IRI'],
    ['a duplicate id', (d) => (list(d, 'distribution')[1]['@id'] = list(d, 'distribution')[0]['@id']), 'is not unique'],
    ['a short sha256', (d) => (list(d, 'distribution')[0].sha256 = 'abc'), 'sha256'],
    ['a size without unit', (d) => (list(d, 'distribution')[0].contentSize = '100'), 'contentSize'],
    ['a bad media type', (d) => (list(d, 'distribution')[0].encodingFormat = 'nmea'), 'encodingFormat'],
    [
      'a FileSet without includes',
      (d) => {
        list(d, 'distribution').forEach((r) => r['@type'] === 'cr:FileSet' && delete r.includes);
      },
      'needs includes',
    ],
    [
      'a dangling source reference',
      (d) => ((list(d, 'recordSet')[0].field as JsonLd[])[0].source = { fileObject: { '@id': 'nowhere.csv' }, extract: { column: 'time' } }),
      'nowhere.csv, which is not defined',
    ],
    ['a field without dataType', (d) => delete (list(d, 'recordSet')[0].field as JsonLd[])[0].dataType, 'needs a dataType'],
    ['an unknown dataType', (d) => ((list(d, 'recordSet')[0].field as JsonLd[])[0].dataType = 'sc:Thing'), 'not a Croissant data type'],
    ['a key that is not a field', (d) => (list(d, 'recordSet')[1].key = { '@id': 'elsewhere' }), 'key must reference'],
    ['inline data with a stray column', (d) => ((list(d, 'recordSet')[1].data as JsonLd[])[0].extra = 1), 'is not a field'],
    ['a swapped bounding box', (d) => (((d.spatialCoverage as JsonLd).geo as JsonLd).box = '46.2 14.1 46 14.5'), 'not a lat/lon box'],
    ['a reversed time span', (d) => (d.temporalCoverage = '2026-11-27T09:00:00Z/2026-11-27T08:00:00Z'), 'temporalCoverage'],
    ['no RAI collection text', (d) => delete d['rai:dataCollection'], 'rai:dataCollection'],
  ];
  it.each(cases)('%s', (_name, breakIt, message) => {
    const doc = copy(build());
    breakIt(doc);
    expect(validateCroissant(doc)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});
