/**
 * How a dataset's net revenue (after the platform fee) is shared, fixed when a version is published.
 * - weighting `bytes` | `duration` | `messages`: each contributor's weight is their share of that quantity over
 *   the version's files (duration falls back to bytes when no file has one; messages likewise).
 * - weighting `explicit`: a basis-point table for curated datasets; it must name exactly the contributors whose
 *   captures are in the dataset and add up to 10,000.
 * curatorBps: the dataset owner's share of the net revenue as curator, taken before contributors (0 by default).
 */
export interface SplitPolicy {
  weighting: 'bytes' | 'duration' | 'messages' | 'explicit';
  curatorBps: number;
  explicitBps?: { contributorId: string; bps: number }[];
}

export const DEFAULT_SPLIT_POLICY: SplitPolicy = { weighting: 'bytes', curatorBps: 0 };

/** Every reason the policy cannot apply to a dataset whose captures come from `contributorIds`; empty when it can. */
export function splitPolicyProblems(policy: SplitPolicy, contributorIds: readonly string[]): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(policy.curatorBps) || policy.curatorBps < 0 || policy.curatorBps > 10_000) {
    problems.push('curatorBps must be an integer from 0 to 10000');
  }
  if (policy.weighting !== 'explicit') {
    if (policy.explicitBps !== undefined) problems.push('explicitBps is only allowed with weighting "explicit"');
    return problems;
  }
  const table = policy.explicitBps ?? [];
  const named = new Set(table.map((row) => row.contributorId));
  if (named.size !== table.length) problems.push('explicitBps names a contributor twice');
  if (table.some((row) => !Number.isInteger(row.bps) || row.bps <= 0)) problems.push('every explicitBps share must be a positive integer');
  const total = table.reduce((sum, row) => sum + row.bps, 0);
  if (total !== 10_000) problems.push(`explicitBps must add up to 10000, not ${total}`);
  const expected = new Set(contributorIds);
  const missing = [...expected].filter((id) => !named.has(id));
  const foreign = [...named].filter((id) => !expected.has(id));
  if (missing.length > 0) problems.push(`explicitBps must give a share to every contributor; missing ${missing.join(', ')}`);
  if (foreign.length > 0) problems.push(`explicitBps names users with no capture in the dataset: ${foreign.join(', ')}`);
  return problems;
}
