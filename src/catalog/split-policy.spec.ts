import { splitPolicyProblems } from './split-policy.js';

describe('splitPolicyProblems', () => {
  const contributors = ['alice', 'bob'];

  it('accepts weighting by bytes, duration or messages with a curator share', () => {
    for (const weighting of ['bytes', 'duration', 'messages'] as const)
      expect(splitPolicyProblems({ weighting, curatorBps: 1000 }, contributors)).toEqual([]);
  });

  it('refuses a curator share outside 0..10000 and an explicit table without explicit weighting', () => {
    expect(splitPolicyProblems({ weighting: 'bytes', curatorBps: 10_001 }, contributors)).toEqual(['curatorBps must be an integer from 0 to 10000']);
    expect(splitPolicyProblems({ weighting: 'bytes', curatorBps: 0, explicitBps: [] }, contributors)).toEqual([
      'explicitBps is only allowed with weighting "explicit"',
    ]);
  });

  it('needs an explicit table that names exactly the contributors and adds up to 10000', () => {
    const table = (rows: [string, number][]) => ({
      weighting: 'explicit' as const,
      curatorBps: 0,
      explicitBps: rows.map(([contributorId, bps]) => ({ contributorId, bps })),
    });
    expect(
      splitPolicyProblems(
        table([
          ['alice', 4000],
          ['bob', 6000],
        ]),
        contributors,
      ),
    ).toEqual([]);
    expect(
      splitPolicyProblems(
        table([
          ['alice', 4000],
          ['bob', 5000],
        ]),
        contributors,
      ),
    ).toEqual(['explicitBps must add up to 10000, not 9000']);
    expect(splitPolicyProblems(table([['alice', 10_000]]), contributors)).toEqual([
      'explicitBps must give a share to every contributor; missing bob',
    ]);
    expect(
      splitPolicyProblems(
        table([
          ['alice', 5000],
          ['bob', 4000],
          ['carol', 1000],
        ]),
        contributors,
      ),
    ).toEqual(['explicitBps names users with no capture in the dataset: carol']);
    expect(
      splitPolicyProblems(
        table([
          ['alice', 5000],
          ['alice', 5000],
        ]),
        ['alice'],
      ),
    ).toEqual(['explicitBps names a contributor twice']);
    expect(
      splitPolicyProblems(
        table([
          ['alice', 0],
          ['bob', 10_000],
        ]),
        contributors,
      ),
    ).toEqual(['every explicitBps share must be a positive integer']);
  });
});
