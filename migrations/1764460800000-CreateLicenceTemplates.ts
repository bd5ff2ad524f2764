import { MigrationInterface, QueryRunner } from 'typeorm';

const world = ['WORLD'];
// The starting catalogue of licences; admins add and retire templates through the API afterwards.
const TEMPLATES = [
  {
    slug: 'research-only',
    name: 'Research only',
    terms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: false, redistribution: false, derivativeMaps: false },
      attributionRequired: true,
      territory: world,
      termMonths: null,
      exclusive: false,
      maxSeats: null,
    },
    text: 'The licensee may use the dataset for non-commercial research, including training and evaluating machine-learning models whose weights and outputs are not sold or used commercially. Publications must credit the dataset and its contributors. The dataset may not be redistributed.',
  },
  {
    slug: 'commercial-ai-training',
    name: 'Commercial AI training',
    terms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: true },
      attributionRequired: false,
      territory: world,
      termMonths: null,
      exclusive: false,
      maxSeats: null,
    },
    text: 'The licensee may use the dataset to train, fine-tune and evaluate machine-learning models, including commercial models and products, and to derive maps and other derived data. The raw dataset may not be redistributed, resold or published.',
  },
  {
    slug: 'commercial-no-resale',
    name: 'Commercial use, resale forbidden',
    terms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
      attributionRequired: false,
      territory: world,
      termMonths: 36,
      exclusive: false,
      maxSeats: 25,
    },
    text: 'The licensee may use the dataset internally for commercial purposes, including model training, for 36 months by up to 25 named users. Neither the dataset nor data derived from it may be sold, sublicensed or redistributed.',
  },
  {
    slug: 'exclusive-commercial',
    name: 'Exclusive commercial licence',
    terms: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: true },
      attributionRequired: false,
      territory: world,
      termMonths: 24,
      exclusive: true,
      maxSeats: null,
    },
    text: 'The licensee receives exclusive commercial rights to the dataset version for 24 months: the marketplace sells it to no one else during the term. All uses of the commercial AI training licence are permitted; redistribution is not.',
  },
];

export class CreateLicenceTemplates1764460800000 implements MigrationInterface {
  name = 'CreateLicenceTemplates1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE licence_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text NOT NULL,
        terms jsonb NOT NULL,
        full_text text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const template of TEMPLATES) {
      await db.query(`INSERT INTO licence_templates (slug, name, terms, full_text) VALUES ($1, $2, $3, $4)`, [
        template.slug,
        template.name,
        JSON.stringify(template.terms),
        template.text,
      ]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE licence_templates`);
  }
}
