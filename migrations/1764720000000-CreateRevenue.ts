import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revenue: each sale's split (rows + Merkle root, and the outbox of its on-chain memo), a double-entry ledger, payout
 * methods, payouts and the payout transactions (batches) that carry them.
 *
 * The ledger is append-only and balanced by the database itself, not only by the code that writes it:
 * - every statement inserting lines must leave each entry it touches summing to 0 per currency (statement trigger);
 * - at commit every new entry must have at least two lines and sum to 0 per currency (deferred constraint trigger),
 *   which catches an entry whose lines never came;
 * - entries and lines cannot be updated or deleted; a correction is a new entry;
 * - lines and split rows are checked against their parent once per statement (a sale can have 10,000 of them, and a
 *   foreign key would check each row on its own).
 * Exactly once lives in constraints: one split and one sale entry per order, one refund entry per order, one ledger
 * entry per payout, one open payout per payee, account and currency, one reference per memo transaction.
 */
/** The columns of a memo-transaction outbox row (ChainOutboxRepository), shared by splits and payout batches. */
const OUTBOX_COLUMNS = `
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed')),
        cluster text,
        signature text,
        slot bigint,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        last_sent_at timestamptz,
        lease_until timestamptz,`;

export class CreateRevenue1764720000000 implements MigrationInterface {
  name = 'CreateRevenue1764720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE revenue_splits (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        dataset_id uuid NOT NULL,
        version integer NOT NULL,
        buyer_id uuid NOT NULL,
        currency text NOT NULL CHECK (currency IN ('USD', 'USDC')),
        gross bigint NOT NULL CHECK (gross > 0),
        payment_reference text NOT NULL,
        platform_fee_bps integer NOT NULL,
        curator_bps integer NOT NULL,
        merkle_root text NOT NULL,
        memo text NOT NULL,
        reference text NOT NULL UNIQUE,
        ${OUTBOX_COLUMNS}
        refunded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE revenue_split_rows (
        split_id uuid NOT NULL,
        leaf_index integer NOT NULL,
        payee text NOT NULL,
        role text NOT NULL CHECK (role IN ('platform', 'curator', 'contributor')),
        user_id uuid,
        amount bigint NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (split_id, leaf_index),
        CHECK ((role = 'platform') = (user_id IS NULL))
      )`);
    await db.query(`CREATE INDEX revenue_split_rows_user_idx ON revenue_split_rows (user_id, split_id) WHERE user_id IS NOT NULL`);
    // A sale can have 10,000 rows: one set-based parent check per statement instead of a foreign key's check per row.
    // "One payee at most once per role" is checked by the leaf encoding (splitLeaves) before the rows are written.
    await db.query(`
      CREATE FUNCTION revenue_split_rows_check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_rows r WHERE NOT EXISTS (SELECT 1 FROM revenue_splits s WHERE s.id = r.split_id)) THEN
          RAISE EXCEPTION 'split rows must belong to a split' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER revenue_split_rows_parent AFTER INSERT ON revenue_split_rows
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION revenue_split_rows_check_parent()`);

    await db.query(`
      CREATE TABLE revenue_ledger_entries (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('sale', 'refund', 'payout')),
        order_id uuid,
        payout_id uuid UNIQUE,
        description text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'payout') = (payout_id IS NOT NULL)),
        CHECK ((kind = 'payout') = (order_id IS NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX revenue_ledger_one_per_order ON revenue_ledger_entries (order_id, kind) WHERE order_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE revenue_ledger_lines (
        entry_id uuid NOT NULL,
        line integer NOT NULL,
        account text NOT NULL CHECK (account IN
          ('buyer_payments', 'platform_revenue', 'curator_payable', 'contributor_payable', 'treasury', 'payouts', 'refunds')),
        owner_id uuid,
        currency text NOT NULL CHECK (currency IN ('USD', 'USDC')),
        amount bigint NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (entry_id, line),
        CHECK ((account IN ('curator_payable', 'contributor_payable')) = (owner_id IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX revenue_ledger_lines_account_idx ON revenue_ledger_lines (account, owner_id, currency)`);

    await db.query(`
      CREATE FUNCTION revenue_ledger_unbalanced(entry uuid) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN count(*) < 2 THEN 'has fewer than two lines'
          WHEN EXISTS (SELECT 1 FROM revenue_ledger_lines WHERE entry_id = entry GROUP BY currency HAVING sum(amount) <> 0)
            THEN 'does not sum to zero in every currency'
        END
        FROM revenue_ledger_lines WHERE entry_id = entry
      $$`);
    await db.query(`
      CREATE FUNCTION revenue_ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE problem text := revenue_ledger_unbalanced(NEW.id);
      BEGIN
        IF problem IS NOT NULL THEN RAISE EXCEPTION 'ledger entry % %', NEW.id, problem USING ERRCODE = 'check_violation'; END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER revenue_ledger_entry_balanced AFTER INSERT ON revenue_ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revenue_ledger_check_entry()`);
    await db.query(`
      CREATE FUNCTION revenue_ledger_check_lines() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE entry uuid;
      BEGIN
        IF EXISTS (SELECT 1 FROM new_lines n WHERE NOT EXISTS (SELECT 1 FROM revenue_ledger_entries e WHERE e.id = n.entry_id)) THEN
          RAISE EXCEPTION 'ledger lines must belong to an entry' USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT l.entry_id INTO entry FROM revenue_ledger_lines l
        WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
        GROUP BY l.entry_id, l.currency HAVING sum(l.amount) <> 0 LIMIT 1;
        IF entry IS NOT NULL THEN
          RAISE EXCEPTION 'ledger entry % does not sum to zero in every currency', entry USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER revenue_ledger_lines_balanced AFTER INSERT ON revenue_ledger_lines
      REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION revenue_ledger_check_lines()`);
    await db.query(`
      CREATE FUNCTION revenue_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only; record a correcting entry instead' USING ERRCODE = 'check_violation';
      END $$`);
    for (const table of ['revenue_ledger_entries', 'revenue_ledger_lines']) {
      await db.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION revenue_ledger_append_only()`,
      );
    }

    await db.query(`
      CREATE TABLE revenue_payout_methods (
        user_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('usdc', 'stripe')),
        wallet text,
        account text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (kind <> 'usdc' OR wallet IS NOT NULL),
        CHECK (kind <> 'stripe' OR account IS NOT NULL)
      )`);

    await db.query(`
      CREATE TABLE revenue_payout_batches (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL,
        memo text NOT NULL,
        reference text NOT NULL UNIQUE,
        ${OUTBOX_COLUMNS}
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX revenue_payout_batches_pending_idx ON revenue_payout_batches (created_at) WHERE status = 'pending'`);

    await db.query(`
      CREATE TABLE revenue_payouts (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL,
        batch_id uuid REFERENCES revenue_payout_batches (id),
        payee_id uuid NOT NULL,
        account text NOT NULL CHECK (account IN ('curator_payable', 'contributor_payable')),
        currency text NOT NULL CHECK (currency IN ('USD', 'USDC')),
        amount bigint NOT NULL CHECK (amount > 0),
        method text NOT NULL CHECK (method IN ('usdc', 'stripe')),
        destination text NOT NULL,
        pay_currency text NOT NULL CHECK (pay_currency IN ('USD', 'USDC')),
        pay_amount bigint NOT NULL CHECK (pay_amount > 0),
        status text NOT NULL CHECK (status IN ('sending', 'pending', 'paid')),
        reason text,
        tx_signature text,
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        CHECK ((method = 'usdc') = (batch_id IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX revenue_payouts_one_open ON revenue_payouts (payee_id, account, currency) WHERE status <> 'paid'`);
    await db.query(`CREATE INDEX revenue_payouts_batch_idx ON revenue_payouts (batch_id)`);
    await db.query(`CREATE INDEX revenue_payouts_run_idx ON revenue_payouts (run_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE revenue_payouts`);
    await db.query(`DROP TABLE revenue_payout_batches`);
    await db.query(`DROP TABLE revenue_payout_methods`);
    await db.query(`DROP TABLE revenue_ledger_lines`);
    await db.query(`DROP TABLE revenue_ledger_entries`);
    await db.query(`DROP FUNCTION revenue_ledger_append_only()`);
    await db.query(`DROP FUNCTION revenue_ledger_check_lines()`);
    await db.query(`DROP FUNCTION revenue_ledger_check_entry()`);
    await db.query(`DROP FUNCTION revenue_ledger_unbalanced(uuid)`);
    await db.query(`DROP TABLE revenue_split_rows`);
    await db.query(`DROP FUNCTION revenue_split_rows_check_parent()`);
    await db.query(`DROP TABLE revenue_splits`);
  }
}
