/** A payee's earning from one sale, in the payable's currency. */
export interface OrderEarning {
  orderId: string;
  amount: bigint;
}

/** One Stripe Connect transfer of a payout: the part of it that pays one sale (orderId null: not traceable to a sale). */
export interface TransferPart {
  orderId: string | null;
  amount: bigint;
}

/**
 * Splits a payout into one part per sale it pays. Payouts settle a payable oldest earning first (as
 * `GET /v1/me/earnings` shows with `paidOut`), so this payout covers the earnings between `takenBefore` (what the
 * payee's earlier payouts of this payable took) and `takenBefore + amount`. `earnings` are the payable's
 * earnings that still stand (refunded sales left out), oldest first; several rows of one sale (e.g. curator and
 * contributor) make one part. Whatever the earnings do not cover (balance from ledger adjustments) is one part
 * without a sale. The parts are positive and add up to `amount` exactly.
 */
export function allocatePayout(earnings: readonly OrderEarning[], takenBefore: bigint, amount: bigint): TransferPart[] {
  if (amount <= 0n) throw new RangeError(`a payout amount must be positive, not ${amount}`);
  const start = takenBefore < 0n ? 0n : takenBefore;
  const end = start + amount;
  const parts: TransferPart[] = [];
  let left = amount;
  let cumulative = 0n;
  for (const earning of earnings) {
    if (earning.amount <= 0n) continue;
    const low = cumulative;
    const high = cumulative + earning.amount;
    cumulative = high;
    if (high <= start) continue;
    const take = (high < end ? high : end) - (low > start ? low : start);
    const last = parts.at(-1);
    if (last && last.orderId === earning.orderId) last.amount += take;
    else parts.push({ orderId: earning.orderId, amount: take });
    left -= take;
    if (high >= end) break;
  }
  if (left > 0n) parts.push({ orderId: null, amount: left });
  return parts;
}
