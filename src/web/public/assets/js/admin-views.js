// Admin console, page-private: plain-words views of what a reviewer must check (licence, declarations, captures).
import { permittedUseWords } from './licence-words.js';
import { h, formatBytes, formatDate, formatDuration, shorten, tableRow, warningList, footprintSummary } from './ui.js';
/** @import { Capture, ContributorWeight, Declarations, LicenceTerms, ReviewCapture, SplitPolicy } from '../../types/api' */

/**
 * The licence terms in plain words; where the dataset narrows its template, says what the template allowed.
 * @param {LicenceTerms} terms
 * @param {LicenceTerms} [template]
 */
export function licenceComparison(terms, template) {
  /** @type {[string, (t: LicenceTerms) => string][]} */
  const rows = [
    ['Permitted uses', (t) => permittedUseWords(t.permittedUses).join(', ') || 'none'],
    ['Attribution', (t) => (t.attributionRequired ? 'required' : 'not required')],
    ['Territory', (t) => t.territory.join(', ')],
    ['Term', (t) => (t.termMonths === null ? 'perpetual' : `${t.termMonths} months`)],
    ['Exclusive', (t) => (t.exclusive ? 'yes, one buyer only' : 'no')],
    ['Seats', (t) => (t.maxSeats === null ? 'unlimited' : String(t.maxSeats))],
  ];
  return h(
    'dl',
    { className: 'facts' },
    rows.map(([label, words]) => {
      const value = words(terms);
      const base = template ? words(template) : value;
      return [
        h('dt', {}, label),
        h('dd', {}, value, base !== value ? [' ', h('span', { className: 'badge warn' }, `narrowed from: ${base}`)] : null),
      ];
    }),
  );
}

/** @type {readonly [keyof Declarations, string][]} */
const DECLARATIONS = [
  ['ownsRights', 'Owns the rights or may license the data'],
  ['identifiablePeople', 'People can be identified'],
  ['consentObtained', 'Consent obtained from identifiable people'],
  ['piiRedacted', 'Faces and plates blurred'],
  ['restrictedLocations', 'Shows restricted locations'],
];

/** @param {Partial<Declarations>} declarations */
export function declarationList(declarations) {
  return h(
    'dl',
    { className: 'facts' },
    DECLARATIONS.filter(([key]) => key in declarations).map(([key, label]) => [h('dt', {}, label), h('dd', {}, declarations[key] ? 'yes' : 'no')]),
    declarations.restrictedLocationsNote ? [h('dt', {}, 'Restricted locations note'), h('dd', {}, declarations.restrictedLocationsNote)] : null,
  );
}

/**
 * @param {SplitPolicy | null} policy
 * @param {readonly ContributorWeight[]} contributors
 * @param {(userId: string) => string} who
 */
export function splitPolicyText(policy, contributors, who) {
  const p = policy ?? { weighting: 'bytes', curatorBps: 0 };
  const weights = contributors.map((c) => `${who(c.contributorId)}: ${(c.weightBps / 100).toFixed(2)}% (${c.files} files)`).join('; ');
  return `Weighted by ${p.weighting}; curator ${(p.curatorBps / 100).toFixed(2)}%${weights ? `; contributors ${weights}` : ''}`;
}

/** @param {boolean | null} valid */
const signatureBadge = (valid) =>
  valid === true
    ? h('span', { className: 'badge ok' }, 'device signature valid')
    : valid === false
      ? h('span', { className: 'badge bad' }, 'device signature INVALID')
      : h('span', { className: 'badge' }, 'unsigned');

/**
 * The first plain facts a probe read (nested lists and objects are left to the capture's own page).
 * @param {Record<string, unknown>} metadata
 */
function metadataSummary(metadata) {
  return Object.entries(metadata)
    .flatMap(([k, v]) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [`${k}: ${String(v)}`] : []))
    .slice(0, 6)
    .join(', ');
}

/**
 * One row per capture; the detail cells (sha256, duration, time range, bbox) fill in from GET /v1/captures/:id.
 * @param {ReviewCapture} capture
 */
export function captureRow(capture) {
  // The detail cells fill in later: each is a span inside its cell.
  const detail = { duration: h('span', {}, '—'), time: h('span', {}, '—'), bbox: h('span', {}, '—'), sha256: h('span', {}, '—') };
  const cells = [
    capture.filename,
    [capture.modality ?? '—', ' / ', capture.format ?? '—'],
    capture.sizeBytes === null ? '—' : formatBytes(capture.sizeBytes),
    signatureBadge(capture.deviceSignatureValid),
    capture.status,
    detail.duration,
    detail.time,
    detail.bbox,
    detail.sha256,
    h('small', {}, metadataSummary(capture.metadata)),
    warningList(capture.warnings) ?? '—',
  ];
  const row = tableRow(CAPTURE_HEADERS, cells, { 'data-capture-id': capture.id });
  /** @param {Capture} full */
  const fill = (full) => {
    detail.sha256.replaceChildren(h('code', { title: full.sha256 }, shorten(full.sha256, 8)));
    detail.duration.textContent = formatDuration(full.durationSeconds);
    detail.time.textContent = full.timeRange ? `${formatDate(full.timeRange.start)} – ${formatDate(full.timeRange.end)}` : '—';
    detail.bbox.textContent = footprintSummary(full) || '—';
  };
  return { id: capture.id, row, fill };
}

export const CAPTURE_HEADERS = [
  'File',
  'Modality / format',
  'Size',
  'Device signature',
  'Status',
  'Duration',
  'Time range',
  'Footprint',
  'SHA-256',
  'Metadata',
  'Warnings',
];
