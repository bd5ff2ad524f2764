// Licence terms in plain words, for the dataset page and the order page's certificate.
import { h } from './ui.js';
/** @import { LicenceTerms, PermittedUses } from '../../types/api' */

/** What each permitted use lets a buyer do, in the order the pages list them. */
/** @type {readonly [keyof PermittedUses, string][]} */
export const USES = [
  ['aiTraining', 'Train AI models'],
  ['evaluation', 'Evaluate and benchmark models'],
  ['commercialUse', 'Use in commercial products'],
  ['redistribution', 'Share or resell the data itself'],
  ['derivativeMaps', 'Build and publish maps derived from it'],
];

/** @param {readonly string[]} territory */
const territoryWords = (territory) => (territory.length === 0 || territory.includes('WORLD') ? 'Worldwide' : `Only in ${territory.join(', ')}`);
/** @param {number | null} months */
const termWords = (months) => (months === null ? 'Forever (perpetual)' : `${months} month${months === 1 ? '' : 's'} from purchase`);
/** @param {number | null} seats */
const seatWords = (seats) =>
  seats === null
    ? 'Unlimited people and systems at the buyer'
    : `Up to ${seats} ${seats === 1 ? 'person or system' : 'people or systems'} at the buyer`;

/**
 * What a contributor's withdrawal does to the buyer's files (issue 16); terms frozen before the term existed keep them.
 * @param {LicenceTerms} terms
 */
export const withdrawalWords = (terms) =>
  terms.revocableOnWithdrawal === true
    ? 'Stop using withdrawn files: their downloads stop, the certificate is reissued without them'
    : 'You keep every file you bought, even if consent is withdrawn later';

/**
 * The uses a licence permits, in words.
 * @param {PermittedUses} uses
 */
export const permittedUseWords = (uses) => USES.filter(([key]) => uses[key]).map(([, words]) => words);

/**
 * A list of what the licence lets the buyer do, and what it does not.
 * @param {LicenceTerms} terms
 */
export function licenceTerms(terms) {
  const uses = terms.permittedUses;
  return h(
    'div',
    { className: 'licence-terms' },
    h(
      'ul',
      { className: 'uses' },
      USES.map(([key, words]) => h('li', {}, uses[key] ? '✔ You may: ' : '✘ You may not: ', words)),
    ),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Attribution'),
      h('dd', {}, terms.attributionRequired ? 'Required: credit the dataset and its contributors' : 'Not required'),
      h('dt', {}, 'Territory'),
      h('dd', {}, territoryWords(terms.territory)),
      h('dt', {}, 'Term'),
      h('dd', {}, termWords(terms.termMonths)),
      h('dt', {}, 'Exclusivity'),
      h('dd', {}, terms.exclusive ? 'Exclusive: sold to one buyer only' : 'Non-exclusive: others may buy it too'),
      h('dt', {}, 'Seats'),
      h('dd', {}, seatWords(terms.maxSeats)),
      h('dt', {}, 'If consent is withdrawn'),
      h('dd', { className: 'withdrawal-term' }, withdrawalWords(terms)),
    ),
  );
}
