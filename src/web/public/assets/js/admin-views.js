// Admin console, page-private: plain-words views of what a reviewer must check (licence, declarations, captures).
import { h, formatBytes, formatDate, formatDuration, shorten } from './ui.js';

const USES = {
  aiTraining: 'AI training',
  evaluation: 'evaluation',
  commercialUse: 'commercial use',
  redistribution: 'redistribution',
  derivativeMaps: 'derivative maps',
};

/** The licence terms in plain words; where the dataset narrows its template, says what the template allowed. */
export function licenceTerms(terms, template) {
  const uses = (t) =>
    Object.entries(USES)
      .filter(([key]) => t.permittedUses?.[key])
      .map(([, label]) => label)
      .join(', ') || 'none';
  const rows = [
    ['Permitted uses', uses(terms), template && uses(template)],
    [
      'Attribution',
      terms.attributionRequired ? 'required' : 'not required',
      template && (template.attributionRequired ? 'required' : 'not required'),
    ],
    ['Territory', (terms.territory ?? []).join(', '), template && (template.territory ?? []).join(', ')],
    [
      'Term',
      terms.termMonths === null ? 'perpetual' : `${terms.termMonths} months`,
      template && (template.termMonths === null ? 'perpetual' : `${template.termMonths} months`),
    ],
    ['Exclusive', terms.exclusive ? 'yes, one buyer only' : 'no', template && (template.exclusive ? 'yes, one buyer only' : 'no')],
    [
      'Seats',
      terms.maxSeats === null ? 'unlimited' : String(terms.maxSeats),
      template && (template.maxSeats === null ? 'unlimited' : String(template.maxSeats)),
    ],
  ];
  return h(
    'dl',
    { className: 'facts' },
    rows.map(([label, value, base]) => [
      h('dt', {}, label),
      h('dd', {}, value, base !== undefined && base !== value ? [' ', h('span', { className: 'badge warn' }, `narrowed from: ${base}`)] : null),
    ]),
  );
}

const DECLARATIONS = [
  ['ownsRights', 'Owns the rights or may license the data'],
  ['identifiablePeople', 'People can be identified'],
  ['consentObtained', 'Consent obtained from identifiable people'],
  ['piiRedacted', 'Faces and plates blurred'],
  ['restrictedLocations', 'Shows restricted locations'],
];

export function declarationList(declarations = {}) {
  return h(
    'dl',
    { className: 'facts' },
    DECLARATIONS.filter(([key]) => key in declarations).map(([key, label]) => [h('dt', {}, label), h('dd', {}, declarations[key] ? 'yes' : 'no')]),
    declarations.restrictedLocationsNote ? [h('dt', {}, 'Restricted locations note'), h('dd', {}, declarations.restrictedLocationsNote)] : null,
  );
}

export function splitPolicyText(policy, contributors = []) {
  const p = policy ?? { weighting: 'bytes', curatorBps: 0 };
  const weights = contributors.map((c) => `${shorten(c.contributorId)}: ${(c.weightBps / 100).toFixed(2)}% (${c.files} files)`).join('; ');
  return `Weighted by ${p.weighting}; curator ${(p.curatorBps / 100).toFixed(2)}%${weights ? `; contributors ${weights}` : ''}`;
}

const signatureBadge = (valid) =>
  valid === true
    ? h('span', { className: 'badge ok' }, 'device signature valid')
    : valid === false
      ? h('span', { className: 'badge bad' }, 'device signature INVALID')
      : h('span', { className: 'badge' }, 'unsigned');

function metadataSummary(metadata) {
  const entries = Object.entries(metadata ?? {}).filter(([, v]) => v !== null && typeof v !== 'object');
  return entries
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

/** One row per capture; the detail cells (sha256, duration, time range, bbox) fill in from GET /v1/captures/:id. */
export function captureRow(capture) {
  const detail = {
    sha256: h('td', {}, '—'),
    duration: h('td', {}, '—'),
    time: h('td', {}, '—'),
    bbox: h('td', {}, '—'),
  };
  const row = h(
    'tr',
    { dataset: { captureId: capture.id } },
    h('td', {}, capture.filename),
    h('td', {}, capture.modality ?? '—', ' / ', capture.format ?? '—'),
    h('td', {}, capture.sizeBytes === null ? '—' : formatBytes(capture.sizeBytes)),
    h('td', {}, signatureBadge(capture.deviceSignatureValid)),
    h('td', {}, capture.status),
    detail.duration,
    detail.time,
    detail.bbox,
    detail.sha256,
    h('td', {}, h('small', {}, metadataSummary(capture.metadata))),
  );
  const fill = (full) => {
    detail.sha256.replaceChildren(h('code', { title: full.sha256 }, shorten(full.sha256, 8)));
    detail.duration.textContent = formatDuration(full.durationSeconds);
    detail.time.textContent = full.timeRange ? `${formatDate(full.timeRange.start)} – ${formatDate(full.timeRange.end)}` : '—';
    detail.bbox.textContent = full.bbox ? full.bbox.map((n) => Number(n).toFixed(4)).join(', ') : '—';
  };
  return { row, fill };
}

export const CAPTURE_HEADERS = [
  'File',
  'Modality / format',
  'Size',
  'Device signature',
  'Status',
  'Duration',
  'Time range',
  'Bounding box',
  'SHA-256',
  'Metadata',
];
