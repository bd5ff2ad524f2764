/**
 * The invariants a chaos run must leave behind, read from the database and from the ledger server (never from a
 * service instance's memory). Each check is one function answering its violations, so a new module adds its own.
 */
import { type Address, type Signature, createSolanaRpc } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import type pg from 'pg';
import type { WorkloadRecord } from './workload.js';

export interface CheckContext {
  db: pg.Client;
  ledgerUrl: string;
  treasury: Address;
  usdcMint: Address;
  /** The treasury's USDC balance before the run. */
  treasuryStart: bigint;
  record: WorkloadRecord;
}

export interface CheckOutcome {
  violations: string[];
  counts: Record<string, number | string>;
}

type Check = (context: CheckContext, counts: Record<string, number | string>) => Promise<string[]>;

const rows = async <T extends Record<string, unknown>>(db: pg.Client, text: string, values: unknown[] = []): Promise<T[]> =>
  (await db.query<T>(text, values)).rows;

/** Every capture the run completed (or a network batch accepted) ended ready or rejected: none stuck. */
const capturesSettled: Check = async ({ db, record }, counts) => {
  const captures = await rows<{ id: string; status: string; updated_at: Date }>(
    db,
    `SELECT id, status, updated_at FROM captures WHERE id = ANY($1::uuid[])`,
    [[...record.captures]],
  );
  counts.captures = captures.length;
  counts['captures ready'] = captures.filter((c) => c.status === 'ready').length;
  counts['captures rejected'] = captures.filter((c) => c.status === 'rejected').length;
  const violations = captures
    .filter((c) => c.status !== 'ready' && c.status !== 'rejected')
    .map((c) => `capture ${c.id} is stuck in ${c.status} (last change ${c.updated_at.toISOString()})`);
  const found = new Set(captures.map((c) => c.id));
  for (const id of record.captures) if (!found.has(id)) violations.push(`capture ${id} was accepted by the API and is not in the database`);
  return violations;
};

/**
 * Every paid order (those the run paid, and any other the database says is paid) is paid by exactly one charge and
 * entitled exactly once; a refunded one has its licence revoked; one the run did not refund is paid or fulfilled.
 */
const ordersPaidOnce: Check = async ({ db, record }, counts) => {
  const paid = [...record.paid.keys()];
  const orders = await rows<{ id: string; status: string; paying: string; charges: string; entitlements: string; revoked: string }>(
    db,
    `SELECT o.id, o.status,
            (SELECT count(*) FROM payments p WHERE p.order_id = o.id AND p.kind = 'charge' AND p.external_reference = o.payment_reference) AS paying,
            (SELECT count(*) FROM payments p WHERE p.order_id = o.id AND p.kind = 'charge') AS charges,
            (SELECT count(*) FROM entitlements e WHERE e.order_id = o.id) AS entitlements,
            (SELECT count(*) FROM entitlements e WHERE e.order_id = o.id AND e.revoked_at IS NOT NULL) AS revoked
       FROM orders o WHERE o.id = ANY($1::uuid[]) OR o.payment_reference IS NOT NULL OR o.paid_at IS NOT NULL
          OR EXISTS (SELECT 1 FROM entitlements e WHERE e.order_id = o.id)`,
    [paid],
  );
  counts['orders created'] = record.orders.size;
  counts['orders paid (USDC)'] = [...record.paid.values()].filter((p) => p.method === 'solana').length;
  counts['orders paid (card)'] = [...record.paid.values()].filter((p) => p.method === 'card').length;
  counts['orders paid, per the database'] = orders.filter((o) => o.paying === '1').length;
  counts['refunds requested'] = record.refunded.size + record.refundsUnanswered.size;
  const violations: string[] = [];
  for (const order of orders) {
    const { method, reference } = record.paid.get(order.id) ?? { method: '?', reference: '?' };
    const what = `order ${order.id} (${method}, ${reference}, ${order.charges} charges)`;
    if (order.paying !== '1') violations.push(`${what} is paid by ${order.paying} charges, not 1`);
    if (order.entitlements !== '1') violations.push(`${what} was paid and has ${order.entitlements} entitlements, not 1`);
    const refunded = record.refunded.has(order.id) || (record.refundsUnanswered.has(order.id) && order.status === 'refunded');
    if (refunded) {
      if (order.status !== 'refunded' || order.revoked !== order.entitlements) {
        violations.push(`${what} was refunded but is ${order.status} with ${order.revoked} of ${order.entitlements} licences revoked`);
      }
    } else if (order.status !== 'paid' && order.status !== 'fulfilled') {
      violations.push(`${what} was paid once and is ${order.status}`);
    } else if (order.revoked !== '0') violations.push(`${what} is ${order.status} but its licence is revoked`);
  }
  const found = new Set(orders.map((o) => o.id));
  const missing = paid.filter((id) => !found.has(id));
  if (missing.length > 0) violations.push(`${missing.length} paid orders are missing from the database: ${missing.slice(0, 5).join(', ')}`);
  return violations;
};

/**
 * Every payment that reached the marketplace for an order is recorded as a charge, and money goes back exactly once
 * for each part of it that did not pay the order: a charge that paid nothing (a second payment, a short one) has one
 * `rest` refund of all of it; the charge that paid has one `excess` refund of what it paid above the price, and one
 * `rest` refund of the remainder when the order was refunded; nothing else. Every refund decided is sent, and
 * recorded once as a refund payment of its amount.
 */
const refundsOnce: Check = async ({ db }, counts) => {
  const charges = await rows<{ id: string; order_id: string; method: string; amount: string; price: string; status: string; paying: boolean }>(
    db,
    `SELECT p.id, p.order_id, p.method, p.amount_minor::text AS amount, o.amount_minor::text AS price, o.status,
            coalesce(o.payment_reference = p.external_reference, false) AS paying
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.kind = 'charge'`,
  );
  const decided = await rows<{
    id: string;
    charge_id: string;
    portion: string;
    amount: string;
    status: string;
    last_error: string | null;
    payment_id: string | null;
  }>(db, `SELECT id, charge_id, portion, amount_minor::text AS amount, status, last_error, refund_payment_id AS payment_id FROM order_refunds`);
  const sent = await rows<{ id: string; refund_of: string | null; amount: string }>(
    db,
    `SELECT id, refund_of, amount_minor::text AS amount FROM payments WHERE kind = 'refund'`,
  );
  const sentById = new Map(sent.map((payment) => [payment.id, payment]));
  const decidedOf = new Map<string, typeof decided>();
  for (const refund of decided) decidedOf.set(refund.charge_id, [...(decidedOf.get(refund.charge_id) ?? []), refund]);
  const violations: string[] = [];
  let extra = 0;
  let excess = 0;
  for (const charge of charges) {
    const amount = BigInt(charge.amount);
    const expected = new Map<string, bigint>();
    if (!charge.paying) {
      extra += 1;
      expected.set('rest', amount);
    } else {
      const above = amount - BigInt(charge.price);
      if (above > 0n) {
        excess += 1;
        expected.set('excess', above);
      }
      if (charge.status === 'refunded') expected.set('rest', amount - (above > 0n ? above : 0n));
    }
    const actual = decidedOf.get(charge.id) ?? [];
    const what = `${charge.method} charge ${charge.id} of ${amount} (order ${charge.order_id}, ${charge.status}, ${charge.paying ? 'paid it' : 'did not pay it'})`;
    const show = (list: Iterable<[string, bigint | string]>) => [...list].map(([portion, value]) => `${portion} ${value}`).join(', ') || 'none';
    const same = actual.length === expected.size && actual.every((refund) => expected.get(refund.portion) === BigInt(refund.amount));
    if (!same) {
      violations.push(`${what} should be refunded ${show(expected)}, and has ${show(actual.map((r) => [r.portion, r.amount]))}`);
    }
    for (const refund of actual) {
      const payment = refund.payment_id === null ? undefined : sentById.get(refund.payment_id);
      if (refund.status !== 'sent' || !payment) {
        violations.push(`the ${refund.portion} refund ${refund.id} of ${what} is ${refund.status} (last error: ${refund.last_error ?? 'none'})`);
      } else if (payment.refund_of !== charge.id || payment.amount !== refund.amount) {
        violations.push(
          `the ${refund.portion} refund ${refund.id} of ${what} was recorded as ${payment.amount} of charge ${payment.refund_of ?? 'none'}`,
        );
      }
    }
  }
  const decidedPayments = new Set(decided.map((refund) => refund.payment_id));
  for (const payment of sent) {
    if (!decidedPayments.has(payment.id))
      violations.push(`refund payment ${payment.id} (${payment.amount} of charge ${payment.refund_of ?? 'none'}) has no refund decision behind it`);
  }
  counts.charges = charges.length;
  counts['charges that paid nothing (refunded whole)'] = extra;
  counts['overpayments (excess refunded)'] = excess;
  counts['refunds decided'] = decided.length;
  counts['refunds sent'] = decided.filter((refund) => refund.status === 'sent').length;
  return violations;
};

interface TreasuryTransfer {
  signature: Signature;
  delta: bigint;
  memo: string | null;
}

/** Every transaction that moved the treasury's USDC, with the change it made. */
async function treasuryTransfers({ ledgerUrl, treasury, usdcMint }: CheckContext): Promise<{ transfers: TreasuryTransfer[]; balance: bigint }> {
  const rpc = createSolanaRpc(ledgerUrl);
  const [account] = await findAssociatedTokenPda({ owner: treasury, mint: usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  const signatures: { signature: Signature; memo: string | null; err: unknown }[] = [];
  for (let before: Signature | undefined; ;) {
    const page = await rpc.getSignaturesForAddress(account, { limit: 1000, ...(before ? { before } : {}) }).send();
    signatures.push(...page);
    if (page.length < 1000) break;
    before = page[page.length - 1].signature;
  }
  const transfers: TreasuryTransfer[] = [];
  for (const { signature, memo, err } of signatures) {
    if (err) continue;
    const tx = await rpc.getTransaction(signature, { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    const amount = (list: readonly { owner?: Address; mint: Address; uiTokenAmount: { amount: string } }[] | undefined) =>
      BigInt(list?.find((b) => b.owner === treasury && b.mint === usdcMint)?.uiTokenAmount.amount ?? '0');
    const delta = amount(tx?.meta?.postTokenBalances) - amount(tx?.meta?.preTokenBalances);
    if (delta !== 0n) transfers.push({ signature, delta, memo });
  }
  const { value } = await rpc.getTokenAccountBalance(account).send();
  return { transfers, balance: BigInt(value.amount) };
}

/**
 * The treasury's on-chain USDC balance equals what the database says it should be: start + funding + every USDC
 * charge (each payment that reached it for an order, also a second, short or excess one) - every USDC refund sent
 * (refundsOnce checks each is owed) - USDC payouts paid. And every transfer in or out of it is recorded exactly
 * once: in, a charge in `payments`; out, a refund in `payments` or a payout batch in `revenue_payout_batches`;
 * or the run's own funding.
 */
const treasuryMatchesLedger: Check = async (context, counts) => {
  const { db, record, treasuryStart } = context;
  const { transfers, balance } = await treasuryTransfers(context);
  const payments = await rows<{ kind: string; amount_minor: string; external_reference: string }>(
    db,
    `SELECT kind, amount_minor::text, external_reference FROM payments WHERE currency = 'USDC'`,
  );
  const [{ paid_out }] = await rows<{ paid_out: string }>(
    db,
    `SELECT coalesce(sum(pay_amount), 0)::text AS paid_out FROM revenue_payouts WHERE status = 'paid' AND pay_currency = 'USDC'`,
  );
  const batches = await rows<{ signature: string | null; status: string; id: string }>(
    db,
    `SELECT id, status, signature FROM revenue_payout_batches`,
  );
  const charges = payments.filter((p) => p.kind === 'charge');
  const refunds = payments.filter((p) => p.kind === 'refund');
  const sum = (list: { amount_minor: string }[]) => list.reduce((total, p) => total + BigInt(p.amount_minor), 0n);
  const expected = treasuryStart + record.treasuryFunding + sum(charges) - sum(refunds) - BigInt(paid_out);
  counts['USDC charges'] = charges.length;
  counts['USDC refunds'] = refunds.length;
  counts['payout batches'] = batches.length;
  counts['treasury USDC on-chain'] = balance.toString();
  counts['treasury USDC per the database'] = expected.toString();
  const violations: string[] = [];
  if (balance !== expected) {
    const open = batches.filter((b) => b.status !== 'confirmed').map((b) => b.id);
    violations.push(
      `the treasury holds ${balance} USDC base units on-chain, the database says ${expected} ` +
        `(start ${treasuryStart} + funding ${record.treasuryFunding} + charges ${sum(charges)} - refunds ${sum(refunds)} - payouts ${paid_out}); ` +
        `unconfirmed payout batches: ${open.join(', ') || 'none'}`,
    );
  }
  const byReference = new Map<string, number>();
  for (const p of payments) byReference.set(p.external_reference, (byReference.get(p.external_reference) ?? 0) + 1);
  const batchSignatures = new Set(batches.map((b) => b.signature).filter((s): s is string => s !== null));
  const onChain = new Set(transfers.map((t) => t.signature as string));
  for (const transfer of transfers) {
    if (record.fundingSignatures.has(transfer.signature)) continue;
    const recorded = byReference.get(transfer.signature) ?? 0;
    if (transfer.delta > 0n && recorded !== 1) {
      violations.push(
        `a payment of ${transfer.delta} USDC base units reached the treasury in ${transfer.signature} and is recorded ${recorded} times`,
      );
    }
    if (transfer.delta < 0n && recorded + (batchSignatures.has(transfer.signature) ? 1 : 0) !== 1) {
      violations.push(
        `${-transfer.delta} USDC base units left the treasury in ${transfer.signature} (memo ${transfer.memo ?? 'none'}) and match ${recorded} refunds`,
      );
    }
  }
  for (const p of payments)
    if (!onChain.has(p.external_reference)) violations.push(`USDC ${p.kind} ${p.external_reference} is recorded but moved no USDC on the ledger`);
  return violations;
};

/** Every paid sale has one split, recorded on-chain by exactly one memo; the double-entry ledger balances. */
const splitsAndLedger: Check = async ({ db, ledgerUrl, treasury, record }, counts) => {
  const paid = [...record.paid.keys()];
  const splits = await rows<{ id: string; order_id: string; status: string; signature: string | null }>(
    db,
    `SELECT id, order_id, status, signature FROM revenue_splits WHERE order_id = ANY($1::uuid[])`,
    [paid],
  );
  counts.splits = splits.length;
  counts['splits on-chain'] = splits.filter((s) => s.status === 'confirmed').length;
  const violations: string[] = [];
  const perOrder = new Map<string, number>();
  for (const split of splits) perOrder.set(split.order_id, (perOrder.get(split.order_id) ?? 0) + 1);
  for (const id of paid) if (perOrder.get(id) !== 1) violations.push(`paid order ${id} has ${perOrder.get(id) ?? 0} splits, not 1`);

  // Memos of every transaction the treasury signed: one `mkt:v1:split:<id>:` per split.
  const rpc = createSolanaRpc(ledgerUrl);
  const memos = new Map<string, number>();
  for (let before: Signature | undefined; ;) {
    const page = await rpc.getSignaturesForAddress(treasury, { limit: 1000, ...(before ? { before } : {}) }).send();
    for (const entry of page) {
      const match = entry.err === null ? /mkt:v1:split:([0-9a-f-]{36}):/.exec(entry.memo ?? '') : null;
      if (match) memos.set(match[1], (memos.get(match[1]) ?? 0) + 1);
    }
    if (page.length < 1000) break;
    before = page[page.length - 1].signature;
  }
  for (const split of splits) {
    const onChain = memos.get(split.id) ?? 0;
    if (onChain !== 1 || split.status !== 'confirmed')
      violations.push(`split ${split.id} is ${split.status} with ${onChain} memos on the ledger, not 1`);
  }

  const unbalanced = await rows<{ entry_id: string; currency: string; total: string }>(
    db,
    `SELECT entry_id, currency, sum(amount)::text AS total FROM revenue_ledger_lines GROUP BY 1, 2 HAVING sum(amount) <> 0`,
  );
  for (const entry of unbalanced) violations.push(`ledger entry ${entry.entry_id} does not balance in ${entry.currency}: ${entry.total}`);
  const sales = await rows<{ order_id: string; sales: string }>(
    db,
    `SELECT order_id, count(*)::text AS sales FROM revenue_ledger_entries WHERE kind = 'sale' AND order_id = ANY($1::uuid[]) GROUP BY 1`,
    [paid],
  );
  const salesPerOrder = new Map(sales.map((s) => [s.order_id, s.sales]));
  for (const id of paid)
    if (salesPerOrder.get(id) !== '1') violations.push(`paid order ${id} has ${salesPerOrder.get(id) ?? 0} sale entries in the ledger, not 1`);
  const [{ payouts }] = await rows<{ payouts: string }>(db, `SELECT count(*)::text AS payouts FROM revenue_payouts WHERE status = 'paid'`);
  counts['payouts paid'] = payouts;
  return violations;
};

export const CHECKS: Record<string, Check> = {
  'captures settled': capturesSettled,
  'orders paid once and entitled': ordersPaidOnce,
  'extra payments refunded once': refundsOnce,
  'splits recorded once, ledger balanced': splitsAndLedger,
  'treasury matches the ledger': treasuryMatchesLedger,
};

/** Runs every check; a check that throws is a violation too (named). */
export async function runChecks(context: CheckContext): Promise<CheckOutcome> {
  const counts: Record<string, number | string> = {};
  const violations: string[] = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      violations.push(...(await check(context, counts)).map((v) => `${name}: ${v}`));
    } catch (error) {
      violations.push(`${name}: the check failed: ${(error as Error).message}`);
    }
  }
  return { violations, counts };
}
