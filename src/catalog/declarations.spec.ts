import { missingDeclarations } from './declarations.js';

describe('missingDeclarations', () => {
  const complete = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };

  it('accepts a complete set', () => {
    expect(missingDeclarations(complete)).toEqual([]);
  });

  it('names every missing declaration', () => {
    expect(missingDeclarations({}).map((problem) => problem.split(':')[0])).toEqual([
      'ownsRights',
      'identifiablePeople',
      'piiRedacted',
      'restrictedLocations',
    ]);
  });

  it('refuses data the contributor does not own', () => {
    expect(missingDeclarations({ ...complete, ownsRights: false })).toEqual([expect.stringMatching(/^ownsRights/)]);
  });

  it('needs consent when people are identifiable', () => {
    expect(missingDeclarations({ ...complete, identifiablePeople: true })).toEqual([expect.stringMatching(/^consentObtained/)]);
    expect(missingDeclarations({ ...complete, identifiablePeople: true, consentObtained: false })).toHaveLength(1);
    expect(missingDeclarations({ ...complete, identifiablePeople: true, consentObtained: true })).toEqual([]);
  });

  it('needs a note when restricted locations are shown', () => {
    expect(missingDeclarations({ ...complete, restrictedLocations: true, restrictedLocationsNote: '  ' })).toEqual([
      expect.stringMatching(/^restrictedLocationsNote/),
    ]);
    expect(missingDeclarations({ ...complete, restrictedLocations: true, restrictedLocationsNote: 'A public port, filmed from the road' })).toEqual(
      [],
    );
  });
});
