import { CROISSANT_CONTEXT } from '../metadata/croissant-document.js';
import { SPDX_CONTEXT } from '../metadata/spdx-document.js';

/**
 * What /docs shows for the metadata routes: a Croissant 1.1 and an SPDX 3 document as the app makes them for a listed
 * GNSS + CAN telemetry version, trimmed (fewer permissions, fields and files; every key the app writes is kept, which
 * the openapi-examples suite checks against a real answer).
 */
export const CROISSANT_EXAMPLE = {
  '@context': CROISSANT_CONTEXT,
  ...{
    '@type': 'sc:Dataset',
    '@id': 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1',
    conformsTo: 'http://mlcommons.org/croissant/1.1',
    name: 'Munich ring road: GNSS fixes and CAN telemetry',
    description: 'One drive around the Mittlerer Ring, with 1 Hz GNSS fixes (NMEA) and CAN speed readings (CSV).',
    url: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f',
    version: '1.0.0',
    datePublished: '2026-11-28T10:15:00.000Z',
    keywords: ['gnss', 'telemetry'],
    creator: {
      '@type': 'Organization',
      name: '1 contributor of the DePAI data marketplace',
      url: 'https://marketplace.example.com',
    },
    publisher: {
      '@type': 'Organization',
      name: 'DePAI data marketplace',
      url: 'https://marketplace.example.com',
    },
    license: {
      '@type': 'CreativeWork',
      name: 'Commercial AI training',
      url: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f#licence',
      text: 'The licensee may use the dataset to train, fine-tune and evaluate machine-learning models, including commercial models and products, and to derive maps and other derived data. The raw dataset may not be redistributed, resold or published.',
    },
    usageInfo: {
      '@type': ['CreativeWork', 'odrl:Offer'],
      name: 'Commercial AI training: terms of this version',
      url: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f#licence',
      'odrl:permission': [
        {
          '@type': 'odrl:Permission',
          'odrl:action': {
            '@id': 'https://marketplace.example.com/v1/licences#aiTraining',
          },
          name: 'training AI models',
          'odrl:constraint': [
            {
              '@type': 'odrl:Constraint',
              'odrl:leftOperand': {
                '@id': 'odrl:spatial',
              },
              'odrl:operator': {
                '@id': 'odrl:isAnyOf',
              },
              'odrl:rightOperand': ['WORLD'],
            },
          ],
        },
      ],
      'odrl:prohibition': [
        {
          '@type': 'odrl:Prohibition',
          'odrl:action': {
            '@id': 'odrl:distribute',
          },
          name: 'redistributing the data',
        },
      ],
    },
    isAccessibleForFree: false,
    offers: {
      '@type': 'Offer',
      price: '250.00',
      priceCurrency: 'USD',
      url: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f',
    },
    citeAs:
      '@misc{depai-067e188a-v1, title = {Munich ring road: GNSS fixes and CAN telemetry}, year = {2026}, version = {1}, howpublished = {\\url{https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f}}, note = {Merkle root 7099cc4ba919cc52c7f5b75c03ba72ed04d1b2cc878c923cb32f6a91212d15b9}}',
    sdLicense: 'https://creativecommons.org/publicdomain/zero/1.0/',
    spatialCoverage: {
      '@type': 'Place',
      geo: {
        '@type': 'GeoShape',
        box: '46 11 48.00046 14.004333333333333',
      },
    },
    'geocr:coordinateReferenceSystem': 'EPSG:4326',
    temporalCoverage: '2026-11-27T08:00:00.000Z/2026-11-27T08:00:46.000Z',
    'rai:dataCollection':
      'Sensor recordings (gnss, telemetry) uploaded directly by their contributors, 2 files from 1 contributor. Each file was verified by size and SHA-256 on arrival and read by a format probe (duration, positions, channels) before review by a marketplace admin.',
    'rai:dataCollectionType': ['Sensor recordings'],
    'rai:personalSensitiveInformation':
      'The contributor declares that they own this data or may license it. No identifiable people are in the data, as declared by the contributor. Faces and licence plates are blurred, or there are none. No restricted locations (military sites, critical infrastructure, private premises) are shown.',
    'rai:dataUseCases': ['training AI models', 'evaluating AI models', 'commercial use', 'making derivative maps'],
    'rai:dataLimitations': 'The contributor declared that no restricted locations are shown.',
    'rai:dataReleaseMaintenancePlan':
      'Each version is frozen at publication and never changes; edits and consent withdrawals make a new version, and buyers of a version that held withdrawn captures are told.',
    'rai:dataCollectionTimeframe': ['2026-11-27T08:00:00.000Z', '2026-11-27T08:00:46.000Z'],
    'prov:wasGeneratedBy': [
      {
        '@type': 'prov:Activity',
        '@id': 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1#freeze',
        'prov:label':
          'Frozen at publication: Merkle root 7099cc4ba919cc52c7f5b75c03ba72ed04d1b2cc878c923cb32f6a91212d15b9 over the dsv1 leaves of the 2 files',
        'prov:endedAtTime': '2026-11-28T10:15:00.000Z',
        identifier: '7099cc4ba919cc52c7f5b75c03ba72ed04d1b2cc878c923cb32f6a91212d15b9',
      },
      {
        '@type': 'prov:Activity',
        '@id': 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1#anchor',
        'prov:label':
          'Merkle root anchored on Solana (litesvm) with the memo mkt:v1:anchor:067e188a-4264-41b0-97a8-ecc3623f344f:1:7099cc4ba919cc52c7f5b75c03ba72ed04d1b2cc878c923cb32f6a91212d15b9',
        'prov:endedAtTime': '2026-11-28T10:15:04.000Z',
        identifier: '5UzHhDLnaaAbZMejnTMrC9SkYustdzMiPYKvZFcysC9KV1XDs6xUpE2xKdFnJx3WjT4baSXmPdxs9rEvVWAzoKyr',
      },
    ],
    distribution: [
      {
        '@type': 'cr:FileObject',
        '@id': 'gnss/drive-7.nmea',
        name: 'gnss/drive-7.nmea',
        description: 'gnss (nmea) recorded by one contributor; capture 5e470fe1-48f3-4638-8022-d9d1b131554d.',
        contentUrl: 'gnss/drive-7.nmea',
        contentSize: '3807 B',
        encodingFormat: 'text/x-nmea',
        sha256: '3abbe1b30dc27e7a7c31c902a10164dc1dcd4c16d5fec831cb07611c0e9a56bb',
      },
      {
        '@type': 'cr:FileObject',
        '@id': 'telemetry/can-7.csv',
        name: 'telemetry/can-7.csv',
        description: 'telemetry (csv) recorded by one contributor; capture 44ac3055-63b1-4963-a404-5fdc4e09ee10.',
        contentUrl: 'telemetry/can-7.csv',
        contentSize: '2368 B',
        encodingFormat: 'text/csv',
        sha256: '1382df7388afd90ed80d5ea33251981286e31f9c8cd084990f880f1631f61b9b',
      },
    ],
    recordSet: [
      {
        '@type': 'cr:RecordSet',
        '@id': 'telemetry/can-7.csv#rows',
        name: 'Rows of telemetry/can-7.csv',
        description: '47 rows of 4 columns, as the probe read them.',
        field: [
          {
            '@type': 'cr:Field',
            '@id': 'telemetry/can-7.csv#rows/0-timestamp',
            name: 'timestamp',
            dataType: 'sc:Text',
            source: {
              fileObject: {
                '@id': 'telemetry/can-7.csv',
              },
              extract: {
                column: 'timestamp',
              },
            },
          },
          {
            '@type': 'cr:Field',
            '@id': 'telemetry/can-7.csv#rows/1-lat',
            name: 'lat',
            dataType: 'sc:Float',
            source: {
              fileObject: {
                '@id': 'telemetry/can-7.csv',
              },
              extract: {
                column: 'lat',
              },
            },
          },
          {
            '@type': 'cr:Field',
            '@id': 'telemetry/can-7.csv#rows/2-lon',
            name: 'lon',
            dataType: 'sc:Float',
            source: {
              fileObject: {
                '@id': 'telemetry/can-7.csv',
              },
              extract: {
                column: 'lon',
              },
            },
          },
        ],
      },
    ],
  },
};

export const SPDX_EXAMPLE = {
  '@context': SPDX_CONTEXT,
  ...{
    '@graph': [
      {
        type: 'CreationInfo',
        '@id': '_:creationinfo',
        specVersion: '3.0.1',
        created: '2026-11-28T10:15:00.000Z',
        createdBy: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#marketplace'],
      },
      {
        type: 'Organization',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#marketplace',
        creationInfo: '_:creationinfo',
        name: 'DePAI data marketplace',
        externalIdentifier: [],
      },
      {
        type: 'Organization',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#contributors',
        creationInfo: '_:creationinfo',
        name: '1 contributor of the DePAI data marketplace',
      },
      {
        type: 'SpdxDocument',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#document',
        creationInfo: '_:creationinfo',
        name: 'SPDX document of Munich ring road: GNSS fixes and CAN telemetry, version 1',
        profileConformance: ['core', 'software', 'simpleLicensing', 'dataset'],
        rootElement: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package'],
        element: [
          'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#marketplace',
          'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#contributors',
          'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
          'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#licence',
          'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#file-0',
        ],
      },
      {
        type: 'dataset_DatasetPackage',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
        creationInfo: '_:creationinfo',
        name: 'Munich ring road: GNSS fixes and CAN telemetry',
        description: 'One drive around the Mittlerer Ring, with 1 Hz GNSS fixes (NMEA) and CAN speed readings (CSV).',
        software_packageVersion: '1',
        software_downloadLocation: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f',
        software_primaryPurpose: 'data',
        originatedBy: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#contributors'],
        suppliedBy: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#marketplace',
        builtTime: '2026-11-28T10:15:00.000Z',
        releaseTime: '2026-11-28T10:15:00.000Z',
        comment:
          'Merkle root 7099cc4ba919cc52c7f5b75c03ba72ed04d1b2cc878c923cb32f6a91212d15b9 over the dsv1 leaves of its 2 files, anchored on Solana.',
        dataset_datasetType: ['timeseries', 'sensor'],
        dataset_datasetSize: 6175,
        dataset_dataCollectionProcess:
          'Sensor recordings (gnss, telemetry) verified by size and SHA-256 on arrival, probed, and reviewed by a marketplace admin before publication. The contributor declares that they own this data or may license it. No identifiable people are in the data, as declared by the contributor. Faces and licence plates are blurred, or there are none. No restricted locations (military sites, critical infrastructure, private premises) are shown.',
        dataset_intendedUse: 'Training and evaluating physical-AI models, within the licence terms.',
        dataset_hasSensitivePersonalInformation: 'no',
        dataset_anonymizationMethodUsed: ['Faces and licence plates blurred'],
        dataset_knownBias: ['Covers only the places and times its contributors recorded; see the coverage on the dataset page.'],
        dataset_sensor: [
          {
            type: 'DictionaryEntry',
            key: 'gnss',
            value: 'nmea',
          },
          {
            type: 'DictionaryEntry',
            key: 'telemetry',
            value: 'csv',
          },
        ],
        dataset_confidentialityLevel: 'amber',
        dataset_datasetAvailability: 'registration',
        dataset_datasetUpdateMechanism: 'Versions are frozen; changes and consent withdrawals publish a new version.',
      },
      {
        type: 'simplelicensing_LicenseExpression',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#licence',
        creationInfo: '_:creationinfo',
        simplelicensing_licenseExpression: 'LicenseRef-depai-commercial-ai-training',
        simplelicensing_customIdToUri: [
          {
            type: 'DictionaryEntry',
            key: 'LicenseRef-depai-commercial-ai-training',
            value: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f#licence',
          },
        ],
      },
      {
        type: 'software_File',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#file-0',
        creationInfo: '_:creationinfo',
        name: 'gnss/drive-7.nmea',
        software_contentType: 'text/x-nmea',
        software_primaryPurpose: 'data',
        releaseTime: '2026-11-28T10:15:00.000Z',
        verifiedUsing: [
          {
            type: 'Hash',
            algorithm: 'sha256',
            hashValue: '3abbe1b30dc27e7a7c31c902a10164dc1dcd4c16d5fec831cb07611c0e9a56bb',
          },
        ],
        comment: 'gnss (nmea), 3807 bytes, capture 5e470fe1-48f3-4638-8022-d9d1b131554d',
      },
      {
        type: 'Relationship',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#relationship-contains',
        creationInfo: '_:creationinfo',
        relationshipType: 'contains',
        from: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
        to: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#file-0'],
      },
      {
        type: 'Relationship',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#relationship-declared-licence',
        creationInfo: '_:creationinfo',
        relationshipType: 'hasDeclaredLicense',
        from: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
        to: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#licence'],
      },
      {
        type: 'Relationship',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#relationship-concluded-licence',
        creationInfo: '_:creationinfo',
        relationshipType: 'hasConcludedLicense',
        from: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
        to: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#licence'],
      },
      {
        type: 'Relationship',
        spdxId: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#relationship-available-from',
        creationInfo: '_:creationinfo',
        relationshipType: 'availableFrom',
        from: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#package',
        to: ['https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/versions/1/spdx#marketplace'],
      },
    ],
  },
};
