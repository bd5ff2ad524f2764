import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Buyer notifications (issue 16): the webhook endpoints buyers register (the signing secret kept to sign with, as
 * Stripe keeps its endpoint secrets), the outbox of webhook deliveries (one row per event and endpoint, never queued
 * twice) with each attempt logged, and the e-mail outbox (one row per event and recipient).
 */
export class CreateBuyerNotifications1764892807700 implements MigrationInterface {
  name = 'CreateBuyerNotifications1764892807700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        organisation_id uuid REFERENCES organisations (id),
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        secret text NOT NULL,
        status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
        disabled_reason text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX webhook_endpoints_user_idx ON webhook_endpoints (user_id, created_at)`);
    await db.query(`CREATE INDEX webhook_endpoints_organisation_idx ON webhook_endpoints (organisation_id) WHERE organisation_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (endpoint_id, event_id),
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at)`);
    await db.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        status_code integer,
        error text,
        response_excerpt text,
        duration_ms integer NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await db.query(`
      CREATE TABLE email_messages (
        id uuid PRIMARY KEY,
        dedupe_key text NOT NULL UNIQUE,
        to_address text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL,
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX email_messages_due_idx ON email_messages (next_attempt_at) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE email_messages`);
    await db.query(`DROP TABLE webhook_delivery_attempts`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
  }
}
