/**
 * The revenue split of one sale, in integer minor units (USD cents or USDC base units), pure and exact.
 *
 * Entitlements, as exact rationals of the gross G (basis points: f = platform fee, c = curator share of the net):
 *
 *   platform        G * f / 10^4
 *   curator         G * (10^4 - f) / 10^4 * c / 10^4                      (c of the net)
 *   contributor i   G * (10^4 - f) / 10^4 * (10^4 - c) / 10^4 * w_i / W   (pro rata by weight, W = sum of weights)
 *
 * They add up to G exactly. Each party first gets the floor of its entitlement; the units left over (fewer than the
 * number of parties) go one each to the parties with the largest fractional remainders (largest-remainder, Hamilton
 * method) over ALL parties at once, so the platform fee too is "G * f / 10^4 rounded" by the same rule: its floor, or
 * one more when its remainder ranks among the largest. Ties between equal remainders: contributors first (by id,
 * ascending, comparing UTF-16 code units), then the curator, then the platform.
 *
 * Guarantees, for any G >= 0 and any number of contributors: the shares add up to G exactly, none is negative, and
 * each differs from its exact entitlement by less than one unit (floor <= share <= floor + 1).
 *
 * Edge cases: all weights zero -> equal weights; no contributors -> the curator takes the whole net (c = 10^4).
 */
export interface SplitInput {
  gross: bigint;
  /** 0..10000. */
  platformFeeBps: number;
  /** 0..10000, of the net after the platform fee. */
  curatorBps: number;
  /** Non-negative integer weights; ids unique. */
  contributors: readonly { id: string; weight: bigint }[];
}

export interface SplitShares {
  platform: bigint;
  curator: bigint;
  /** In the input's order. */
  contributors: { id: string; amount: bigint }[];
}

const BPS = 10_000n;

function assertBps(name: string, value: number): bigint {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) throw new RangeError(`${name} must be an integer from 0 to 10000, got ${value}`);
  return BigInt(value);
}

export function computeSplit(input: SplitInput): SplitShares {
  const { gross, contributors } = input;
  if (gross < 0n) throw new RangeError(`gross must not be negative, got ${gross}`);
  const f = assertBps('platformFeeBps', input.platformFeeBps);
  const c = contributors.length === 0 ? BPS : assertBps('curatorBps', input.curatorBps);
  const ids = new Set<string>();
  for (const { id, weight } of contributors) {
    if (weight < 0n) throw new RangeError(`weight of ${id} must not be negative`);
    if (ids.has(id)) throw new RangeError(`contributor ${id} appears twice`);
    ids.add(id);
  }
  const total = contributors.reduce((sum, { weight }) => sum + weight, 0n);
  const n = contributors.length;
  const W = total === 0n ? BigInt(n || 1) : total;

  // Numerators over the common denominator D = 10^8 * W; index n is the curator, n + 1 the platform. Contributors
  // share one factor, so each costs one multiplication, one division and one remainder (10,000 of them per sale).
  const D = BPS * BPS * W;
  const perWeight = gross * (BPS - f) * (BPS - c);
  const shares = new Array<bigint>(n + 2);
  const remainders = new Array<bigint>(n + 2);
  let assigned = 0n;
  const floor = (index: number, numerator: bigint) => {
    const share = numerator / D;
    shares[index] = share;
    remainders[index] = numerator - share * D;
    assigned += share;
  };
  for (let i = 0; i < n; i += 1) floor(i, perWeight * (total === 0n ? 1n : contributors[i].weight));
  floor(n, gross * (BPS - f) * c * W);
  floor(n + 1, gross * f * BPS * W);
  let leftover = gross - assigned;
  if (leftover > 0n) {
    // Largest remainder first; ties: contributors by id, then the curator (n), then the platform (n + 1).
    const order = Array.from({ length: n + 2 }, (_, index) => index);
    order.sort((a, b) => {
      const ra = remainders[a];
      const rb = remainders[b];
      if (ra !== rb) return ra > rb ? -1 : 1;
      if (a < n && b < n) return contributors[a].id < contributors[b].id ? -1 : contributors[a].id > contributors[b].id ? 1 : 0;
      return a - b;
    });
    for (const index of order) {
      if (leftover === 0n) break;
      shares[index] += 1n;
      leftover -= 1n;
    }
  }
  return {
    platform: shares[contributors.length + 1],
    curator: shares[contributors.length],
    contributors: contributors.map(({ id }, i) => ({ id, amount: shares[i] })),
  };
}
