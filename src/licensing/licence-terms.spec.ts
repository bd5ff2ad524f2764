import { type LicenceTerms, revocableOnWithdrawal, wideningsOf, withdrawalWords, withTemplateRevocation } from './licence-terms.js';

const commercial: LicenceTerms = {
  permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: true },
  attributionRequired: true,
  territory: ['WORLD'],
  termMonths: 24,
  exclusive: false,
  maxSeats: 50,
};

describe('wideningsOf', () => {
  it('accepts the template itself and any narrowing', () => {
    expect(wideningsOf(commercial, commercial)).toEqual([]);
    expect(
      wideningsOf(commercial, {
        ...commercial,
        permittedUses: { ...commercial.permittedUses, commercialUse: false, derivativeMaps: false },
        territory: ['DE', 'FR'],
        termMonths: 12,
        maxSeats: 5,
      }),
    ).toEqual([]);
  });

  it('names every widening', () => {
    expect(
      wideningsOf(commercial, {
        permittedUses: { ...commercial.permittedUses, redistribution: true },
        attributionRequired: false,
        territory: ['WORLD'],
        termMonths: null,
        exclusive: true,
        maxSeats: null,
      }),
    ).toEqual([
      'permittedUses.redistribution is not granted by the template',
      'attributionRequired cannot be dropped',
      'termMonths must be at most 24',
      'exclusive must stay false',
      'maxSeats must be at most 50',
    ]);
  });

  it('keeps territories within the template, and perpetual or unlimited templates take any value', () => {
    const europe: LicenceTerms = { ...commercial, territory: ['DE', 'FR', 'NL'], termMonths: null, maxSeats: null };
    expect(wideningsOf(europe, { ...europe, territory: ['DE'] })).toEqual([]);
    expect(wideningsOf(europe, { ...europe, territory: ['DE', 'US'] })).toEqual(['territory must lie within DE, FR, NL']);
    expect(wideningsOf(europe, { ...europe, territory: ['WORLD'] })).toEqual(['territory must lie within DE, FR, NL']);
    expect(wideningsOf(europe, { ...europe, termMonths: 600, maxSeats: 10_000 })).toEqual([]);
  });

  it('revocableOnWithdrawal: a narrowing may switch it on, never off; left out it takes the template', () => {
    const revocable: LicenceTerms = { ...commercial, revocableOnWithdrawal: true };
    expect(wideningsOf(commercial, revocable)).toEqual([]);
    expect(wideningsOf(revocable, { ...commercial, revocableOnWithdrawal: false })).toEqual(['revocableOnWithdrawal cannot be dropped']);
    expect(wideningsOf(revocable, commercial)).toEqual([]);
    expect(withTemplateRevocation(revocable, { ...commercial, termMonths: 12 })).toEqual({
      ...commercial,
      termMonths: 12,
      revocableOnWithdrawal: true,
    });
    expect(withTemplateRevocation(commercial, { ...commercial, revocableOnWithdrawal: true }).revocableOnWithdrawal).toBe(true);
    expect(withTemplateRevocation(commercial, commercial).revocableOnWithdrawal).toBe(false);
  });

  it('terms frozen before the term existed keep the files, and say so in plain words', () => {
    expect(revocableOnWithdrawal(commercial)).toBe(false);
    expect(withdrawalWords(commercial)).toMatch(/may keep using the files they bought/);
    expect(withdrawalWords({ revocableOnWithdrawal: true })).toMatch(/must stop using the withdrawn files/);
  });
});
