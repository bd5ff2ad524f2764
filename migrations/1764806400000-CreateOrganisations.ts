import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations: a team of users that buys together. An order (and the entitlement it yields) may be held by an
 * organisation instead of the purchasing user alone; buyer_id stays the user who placed it.
 *
 * - organisation_members: one row per (organisation, user), role owner | admin | member. "At least one owner" is
 *   kept by the service under a row lock on the organisation (a constraint cannot count rows).
 * - entitlement_seats: for a licence with maxSeats held by an organisation, the members who took a seat by
 *   downloading under it; the service locks the entitlement row while it counts, so seats are never oversold.
 */
export class CreateOrganisations1764806400000 implements MigrationInterface {
  name = 'CreateOrganisations1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE organisation_members (
        organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        added_by uuid REFERENCES users (id),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, user_id)
      )`);
    await db.query(`CREATE INDEX organisation_members_user_idx ON organisation_members (user_id, organisation_id)`);

    // organisation_name: the licensee's name as it was when the order was placed, for the certificate.
    await db.query(`ALTER TABLE orders ADD COLUMN organisation_id uuid REFERENCES organisations (id), ADD COLUMN organisation_name text`);
    await db.query(`ALTER TABLE orders ADD CONSTRAINT orders_organisation_named CHECK ((organisation_id IS NULL) = (organisation_name IS NULL))`);
    await db.query(`CREATE INDEX orders_organisation_idx ON orders (organisation_id, created_at DESC, id DESC) WHERE organisation_id IS NOT NULL`);
    // The entitlement's holder is the order's: (order_id, organisation_id) must match a row of orders.
    await db.query(`ALTER TABLE orders ADD CONSTRAINT orders_id_organisation_key UNIQUE (id, organisation_id)`);
    await db.query(`ALTER TABLE entitlements ADD COLUMN organisation_id uuid REFERENCES organisations (id)`);
    await db.query(
      `ALTER TABLE entitlements ADD CONSTRAINT entitlements_holder_matches_order FOREIGN KEY (order_id, organisation_id) REFERENCES orders (id, organisation_id)`,
    );
    await db.query(
      `CREATE INDEX entitlements_organisation_idx ON entitlements (organisation_id, dataset_id, version) WHERE organisation_id IS NOT NULL`,
    );

    await db.query(`
      CREATE TABLE entitlement_seats (
        entitlement_id uuid NOT NULL REFERENCES entitlements (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        taken_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (entitlement_id, user_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE entitlement_seats`);
    await db.query(`DROP INDEX entitlements_organisation_idx`);
    await db.query(`ALTER TABLE entitlements DROP CONSTRAINT entitlements_holder_matches_order`);
    await db.query(`ALTER TABLE entitlements DROP COLUMN organisation_id`);
    await db.query(`ALTER TABLE orders DROP CONSTRAINT orders_id_organisation_key`);
    await db.query(`DROP INDEX orders_organisation_idx`);
    await db.query(`ALTER TABLE orders DROP CONSTRAINT orders_organisation_named`);
    await db.query(`ALTER TABLE orders DROP COLUMN organisation_name, DROP COLUMN organisation_id`);
    await db.query(`DROP TABLE organisation_members`);
    await db.query(`DROP TABLE organisations`);
  }
}
