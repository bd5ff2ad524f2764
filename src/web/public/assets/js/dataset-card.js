// @ts-check
// The dataset card (issue 14): the description as Markdown rendered safely, the declarations in plain words, the
// licence's full text, the version's files page by page, the versions and what changed, and a "cite / load" box.
// Markdown is turned into elements with h() (text nodes and vetted links only), never into HTML: nothing a contributor
// writes can become markup or script.
import { api } from './api.js';
import { licenceTerms } from './licence-words.js';
import { dataTable, errorBox, formatBytes, formatDate, h, mount, on, safeUrl, shorten, tableRow } from './ui.js';
/** @import { Dataset, DatasetVersion, Manifest, Provenance, VersionFile, VersionFilePage } from '../../types/api' */

/**
 * Inline Markdown: `code`, **strong** / __strong__, *em* / _em_, [text](url) and bare http(s) URLs. As in CommonMark,
 * emphasis hugs its text and underscores never work inside a word (snake_case and `window.__x` stay as typed).
 */
const INLINE =
  /`([^`]+)`|\*\*(?=\S)([^*]+?)(?<=\S)\*\*|(?<!\w)__(?=\S)([^_]+?)(?<=\S)__(?!\w)|\*(?=[^*\s])([^*]+?)(?<=\S)\*|(?<!\w)_(?=[^_\s])([^_]+?)(?<=\S)_(?!\w)|!?\[([^\]]+)\]\(([^()\s]+)\)|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])/g;

/**
 * @param {string} text
 * @returns {(Node | string)[]}
 */
function inline(text) {
  /** @type {(Node | string)[]} */
  const out = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    // Groups that did not take part are undefined at run time, whatever RegExpMatchArray's type says.
    const [whole, code, strong, strong2, em, em2, label, href, bare] = /** @type {(string | undefined)[]} */ (/** @type {unknown} */ (match));
    if (whole === undefined) continue;
    if (code !== undefined) out.push(h('code', {}, code));
    else if (strong !== undefined || strong2 !== undefined) out.push(h('strong', {}, ...inline(strong ?? strong2 ?? '')));
    else if (em !== undefined || em2 !== undefined) out.push(h('em', {}, ...inline(em ?? em2 ?? '')));
    else if (label !== undefined) {
      // Images are not loaded (no tracking pixels); a link goes out only to an http(s) address.
      const url = whole.startsWith('!') || href === undefined ? null : safeUrl(href);
      out.push(url !== null && /^https?:/i.test(url) ? h('a', { href: url, rel: 'nofollow noopener noreferrer' }, ...inline(label)) : whole);
    } else if (bare !== undefined) out.push(h('a', { href: bare, rel: 'nofollow noopener noreferrer' }, bare));
    last = index + whole.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * A Markdown description as elements: headings (from h3 down, under the card's h2), paragraphs, bullet and
 * numbered lists, quotes, fenced code and rules. Raw HTML in the text stays text.
 * @param {string} text
 * @returns {HTMLElement}
 */
export function markdown(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  /** @type {HTMLElement[]} */
  const blocks = [];
  /** @type {string[]} */
  let paragraph = [];
  /** @type {{ ordered: boolean; items: string[] } | null} */
  let list = null;
  /** @type {string[]} */
  let quote = [];
  const flush = () => {
    if (paragraph.length) blocks.push(h('p', { className: 'prose' }, ...inline(paragraph.join(' '))));
    if (list)
      blocks.push(
        h(
          list.ordered ? 'ol' : 'ul',
          {},
          list.items.map((item) => h('li', {}, ...inline(item))),
        ),
      );
    if (quote.length) blocks.push(h('blockquote', {}, h('p', {}, ...inline(quote.join(' ')))));
    paragraph = [];
    list = null;
    quote = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code = [];
      for (i += 1; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i += 1) code.push(lines[i]);
      blocks.push(h('pre', { className: 'code' }, h('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    const quoted = /^\s*>\s?(.*)$/.exec(line);
    if (!line.trim()) flush();
    else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      blocks.push(h('hr', {}));
    } else if (heading) {
      flush();
      // Under the card's h2: # and ## become h3, ### h4, and so on.
      const level = Math.min(6, Math.max(3, heading[1].length + 1));
      blocks.push(h(/** @type {'h3' | 'h4' | 'h5' | 'h6'} */ (`h${level}`), {}, ...inline(heading[2])));
    } else if (bullet || numbered) {
      const ordered = !bullet;
      if (paragraph.length || quote.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? '');
    } else if (quoted) {
      if (paragraph.length || list) flush();
      quote.push(quoted[1]);
    } else if (list && /^\s{2,}\S/.test(line)) list.items[list.items.length - 1] += ` ${line.trim()}`;
    else {
      if (list || quote.length) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return h('div', { className: 'markdown' }, blocks);
}

/**
 * What the contributor declared, in the server's plain sentences.
 * @param {DatasetVersion} version
 */
export function declarationsSection(version) {
  const d = version.declarations;
  const flags = [
    d.identifiablePeople
      ? ['warn', d.consentObtained ? 'People identifiable, consent obtained' : 'People identifiable']
      : ['ok', 'No identifiable people'],
    d.piiRedacted ? ['ok', 'Faces and plates blurred'] : ['warn', 'Not blurred'],
    d.restrictedLocations ? ['warn', 'Restricted locations shown'] : ['ok', 'No restricted locations'],
  ];
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'declarations-heading' },
    h('h2', { id: 'declarations-heading' }, 'What the contributor declares'),
    h(
      'p',
      { className: 'tags' },
      flags.map(([tone, text]) => [h('span', { className: `badge ${tone}` }, text), ' ']),
    ),
    h(
      'ul',
      { className: 'declarations' },
      version.declarationStatements.map((sentence) => h('li', {}, sentence)),
    ),
    h('p', { className: 'status' }, 'An admin reviewed these declarations before the dataset was listed.'),
  );
}

/**
 * The licence: its terms in words and its full legal text. The id is what Croissant's license URL points at.
 * @param {DatasetVersion} version
 */
export function licenceSection(version) {
  return h(
    'section',
    { className: 'card', id: 'licence', 'aria-labelledby': 'licence-heading' },
    h('h2', { id: 'licence-heading' }, `Licence: ${version.licence.name}`),
    licenceTerms(version.licence.terms),
    version.licence.text
      ? h('details', { className: 'legal' }, h('summary', {}, 'Full legal text'), h('div', { className: 'legal-text' }, version.licence.text))
      : null,
  );
}

/** @param {number} share 0..1 */
const percent = (share) => `${Math.round(share * 100)}%`;

/** @param {VersionFile} file */
function gnssWords(file) {
  const q = file.gnssQuality;
  if (!q) return '—';
  const parts = [`${percent(q.rtkFixed + q.rtkFloat + q.dgps + q.fix3d)} 3D or better over ${q.epochs.toLocaleString('en-US')} fixes`];
  if (q.rtkFixed > 0) parts.push(`${percent(q.rtkFixed)} RTK fixed`);
  if (q.medianHdop !== null) parts.push(`HDOP ${q.medianHdop.toFixed(1)}`);
  if (q.medianSatellites !== null) parts.push(`${q.medianSatellites} satellites`);
  return parts.join(' · ');
}

/** @param {VersionFile} file */
function positionWords(file) {
  const f = file.footprint;
  if (!f) return h('span', { className: 'status' }, file.footprintReason ?? 'no position');
  const size = f.kind === 'track' ? `${f.lengthKm.toFixed(2)} km` : f.kind === 'polygon' ? `${f.areaKm2.toFixed(2)} km²` : `${f.positions} positions`;
  return `${f.kind}, ${size}`;
}

const FILE_COLUMNS = ['File', 'Kind', 'Size', 'Recorded', 'Position', 'GNSS quality'];
const PAGE_SIZE = 25;

/**
 * The version's files, a page at a time from the API (keyset pages: the card keeps the cursors it was given to go back).
 * @param {string} datasetId
 * @param {DatasetVersion} version
 */
export function filesSection(datasetId, version) {
  const body = h('div', { className: 'file-list' });
  /** @type {(string | undefined)[]} */
  const cursors = [undefined];
  const show = async (/** @type {number} */ page) => {
    const cursor = cursors[page];
    /** @type {VersionFilePage} */
    const result = await api(
      `/v1/datasets/${datasetId}/versions/${version.version}/files?limit=${PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    if (result.nextCursor !== null) cursors[page + 1] = result.nextCursor;
    const first = page * PAGE_SIZE + 1;
    const previous = on(
      h('button', { type: 'button', className: 'secondary', disabled: page === 0 }, 'Previous'),
      'click',
      () => void show(page - 1).catch(shown),
    );
    const next = on(
      h('button', { type: 'button', className: 'secondary', disabled: result.nextCursor === null }, 'Next'),
      'click',
      () => void show(page + 1).catch(shown),
    );
    mount(
      body,
      dataTable(
        `Files of version ${version.version}`,
        FILE_COLUMNS,
        result.items.map((file) =>
          tableRow(FILE_COLUMNS, [
            h('code', { title: `sha256 ${file.sha256}` }, file.path),
            [h('span', { className: 'badge' }, file.modality), ' ', file.format],
            formatBytes(file.sizeBytes),
            file.timeStart ? `${formatDate(file.timeStart)} – ${formatDate(file.timeEnd)}` : '—',
            positionWords(file),
            gnssWords(file),
          ]),
        ),
        'files',
      ),
      h(
        'div',
        { className: 'actions pager' },
        previous,
        h('span', { className: 'status', role: 'status' }, `Files ${first}–${first + result.items.length - 1} of ${result.total}`),
        next,
      ),
    );
  };
  const shown = (/** @type {unknown} */ error) => mount(body, errorBox(error));
  void show(0).catch(shown);
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'files-heading' },
    h('h2', { id: 'files-heading' }, 'Files'),
    h(
      'p',
      { className: 'status' },
      `Version ${version.version}: ${version.coverage.fileCount} files, ${formatBytes(version.coverage.totalBytes)} in all.`,
    ),
    body,
  );
}

/**
 * What changed from one version's manifest to the next: files added, removed and replaced (same path, new bytes).
 * @param {Manifest | null} before
 * @param {Manifest} after
 */
function changes(before, after) {
  if (!before) return 'First version.';
  const old = new Map(before.files.map((f) => [f.path, f.sha256]));
  const now = new Map(after.files.map((f) => [f.path, f.sha256]));
  const added = [...now.keys()].filter((p) => !old.has(p)).length;
  const removed = [...old.keys()].filter((p) => !now.has(p)).length;
  const replaced = [...now].filter(([p, sha]) => old.has(p) && old.get(p) !== sha).length;
  const parts = [
    added ? `${added} file${added === 1 ? '' : 's'} added` : '',
    removed ? `${removed} removed` : '',
    replaced ? `${replaced} replaced` : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')}.` : 'Same files; the listing (title, description, terms or price) changed.';
}

/** Versions whose manifests the card compares at most (the newest). */
const VERSIONS_SHOWN = 6;

/**
 * Each published version (newest first) with its date, files, root and what changed from the one before.
 * @param {string} datasetId
 * @param {Provenance} provenance
 */
export function versionsSection(datasetId, provenance) {
  const list = h('ol', { className: 'versions plain', reversed: true });
  const versions = [...provenance.versions].sort((a, b) => b.version - a.version).slice(0, VERSIONS_SHOWN + 1);
  void Promise.all(versions.map((v) => /** @type {Promise<Manifest>} */ (api(`/v1/datasets/${datasetId}/versions/${v.version}/manifest`))))
    .then((manifests) =>
      mount(
        list,
        versions
          .slice(0, VERSIONS_SHOWN)
          .map((v, i) =>
            h(
              'li',
              {},
              h('strong', {}, `Version ${v.version}`),
              ` · ${formatDate(v.publishedAt)} · ${v.fileCount} file${v.fileCount === 1 ? '' : 's'} · root `,
              h('code', { title: v.merkleRoot }, shorten(v.merkleRoot, 8)),
              h('p', { className: 'status' }, changes(v.version === 1 ? null : (manifests[i + 1] ?? null), manifests[i])),
            ),
          ),
      ),
    )
    .catch((/** @type {unknown} */ error) => mount(list, errorBox(error)));
  return h('section', { className: 'card', 'aria-labelledby': 'versions-heading' }, h('h2', { id: 'versions-heading' }, 'Versions'), list);
}

/** The Croissant description the server put in the page's head, when it did. */
function embeddedCroissant() {
  const block = document.querySelector('script[type="application/ld+json"]');
  try {
    return block?.textContent ? /** @type {Record<string, unknown>} */ (JSON.parse(block.textContent)) : null;
  } catch {
    return null;
  }
}

/**
 * A copyable block of text; `wrap` for prose-like lines (a citation) that may wrap instead of scrolling.
 * @param {string} label
 * @param {string} text
 * @param {boolean} [wrap]
 */
function snippet(label, text, wrap = false) {
  const status = h('span', { className: 'status', role: 'status' });
  const copy = on(h('button', { type: 'button', className: 'secondary small' }, 'Copy'), 'click', () => {
    void navigator.clipboard.writeText(text).then(
      () => (status.textContent = 'Copied.'),
      () => (status.textContent = 'Select the text to copy it.'),
    );
  });
  return h(
    'div',
    { className: 'snippet' },
    h('div', { className: 'snippet-head' }, h('h3', {}, label), copy, status),
    h('pre', { className: wrap ? 'code wrap' : 'code' }, h('code', {}, text)),
  );
}

/**
 * How to cite this dataset and load it into a pipeline: the metadata links, BibTeX, the download client, a curl loop and
 * a Python snippet (requests + mlcroissant).
 * @param {Dataset} dataset
 * @param {DatasetVersion} version
 */
export function citeBox(dataset, version) {
  const origin = location.origin;
  const croissantPath = `/v1/datasets/${dataset.id}/croissant?version=${version.version}`;
  const croissant = embeddedCroissant();
  const citeAs = typeof croissant?.citeAs === 'string' ? croissant.citeAs : null;
  const recordSets = Array.isArray(croissant?.recordSet) ? /** @type {{ '@id': string }[]} */ (croissant.recordSet) : [];
  const curl = [
    `ORIGIN=${origin}`,
    'ORDER=<orderId>        # on your order page',
    'KEY=<your API key>     # or: -H "Authorization: Bearer <token>"',
    'curl -sf -H "X-API-Key: $KEY" "$ORIGIN/v1/orders/$ORDER/downloads" \\',
    "  | jq -r '.files[] | [.path, .url, .sha256] | @tsv' \\",
    "  | while IFS=$'\\t' read -r path url sha; do",
    '      mkdir -p "$(dirname "$path")"',
    '      curl -sfL -o "$path" "$url" && echo "$sha  $path" | sha256sum -c -',
    '    done',
    `curl -sf "$ORIGIN${croissantPath}" -o croissant.json`,
  ].join('\n');
  const python = [
    'import hashlib, pathlib, requests',
    'import mlcroissant as mlc  # pip install mlcroissant',
    '',
    `ORIGIN = "${origin}"`,
    'ORDER = "<orderId>"',
    'HEADERS = {"X-API-Key": "<your API key>"}',
    '',
    'files = requests.get(f"{ORIGIN}/v1/orders/{ORDER}/downloads", headers=HEADERS).json()["files"]',
    'for f in files:',
    '    path = pathlib.Path(f["path"])',
    '    path.parent.mkdir(parents=True, exist_ok=True)',
    '    data = requests.get(f["url"]).content',
    '    assert hashlib.sha256(data).hexdigest() == f["sha256"], path',
    '    path.write_bytes(data)',
    `pathlib.Path("croissant.json").write_bytes(requests.get(f"{ORIGIN}${croissantPath}").content)`,
    '',
    'dataset = mlc.Dataset(jsonld="croissant.json")',
    ...(recordSets.length ? [`for record in dataset.records(record_set="${recordSets[0]['@id']}"):`, '    print(record)', '    break'] : []),
  ].join('\n');
  return h(
    'section',
    { className: 'card cite-box', 'aria-labelledby': 'cite-heading' },
    h('h2', { id: 'cite-heading' }, 'Cite / load this dataset'),
    h(
      'ul',
      { className: 'links' },
      h(
        'li',
        {},
        h('a', { href: croissantPath, type: 'application/ld+json' }, 'Croissant 1.1 (JSON-LD)'),
        ': files with SHA-256, record sets, licence, RAI and coverage',
      ),
      h(
        'li',
        {},
        h('a', { href: `/v1/datasets/${dataset.id}/versions/${version.version}/spdx` }, 'SPDX 3 document'),
        ': a DatasetPackage of the files',
      ),
      h(
        'li',
        {},
        h('a', { href: `/v1/datasets/${dataset.id}/versions/${version.version}/manifest` }, 'Manifest'),
        ': every file with its Merkle leaf',
      ),
    ),
    citeAs ? snippet('BibTeX', citeAs, true) : null,
    snippet('Download an order and verify it', `npx depai-data-marketplace pull <orderId>`),
    snippet('curl', curl),
    snippet('Python', python),
  );
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** @param {unknown} value */
const num = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * A list of names, the first few and how many in all.
 * @param {readonly string[]} names
 * @param {number} [shown]
 */
const someOf = (names, shown = 6) => names.slice(0, shown).join(', ') + (names.length > shown ? `, … (${names.length} in all)` : '');

/**
 * camelCase probe keys as words: "malformedRows" → "Malformed rows".
 * @param {string} key
 */
const words = (key) => {
  const text = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** Probe keys the facts below already say in words. */
const SAID = new Set([
  'durationSeconds',
  'width',
  'height',
  'frameRate',
  'videoCodec',
  'gps',
  'gpmf',
  'rows',
  'columns',
  'columnCount',
  'channels',
  'channelCount',
  'topics',
  'messageCount',
  'pointCount',
  'fixCount',
]);

/**
 * What a probe read from a file, in words: duration, picture, GPS and GoPro telemetry streams, table shape, topics,
 * points; other plain values under "More probe details". Nested structures are summarised, never dumped.
 * @param {Record<string, unknown>} metadata
 * @param {(seconds: number) => string} formatDuration
 */
export function probeFacts(metadata, formatDuration) {
  /** @type {[string, string][]} */
  const facts = [];
  const duration = num(metadata.durationSeconds);
  if (duration !== null) facts.push(['Duration', formatDuration(duration)]);
  const width = num(metadata.width);
  const height = num(metadata.height);
  if (width !== null && height !== null) {
    const rate = num(metadata.frameRate);
    facts.push([
      'Picture',
      `${width}×${height}${rate !== null ? ` at ${rate.toFixed(2)} fps` : ''}${typeof metadata.videoCodec === 'string' ? `, ${metadata.videoCodec}` : ''}`,
    ]);
  }
  if (isRecord(metadata.gps)) {
    const gps = metadata.gps;
    facts.push(['GPS', `${num(gps.points)?.toLocaleString('en-US') ?? '?'} fixes from the ${String(gps.source)} stream`]);
  }
  if (isRecord(metadata.gpmf) && Array.isArray(metadata.gpmf.streams)) {
    facts.push(['GoPro telemetry', `${metadata.gpmf.streams.length} streams: ${someOf(metadata.gpmf.streams.map(String), 10)}`]);
  }
  const rows = num(metadata.rows);
  if (rows !== null && Array.isArray(metadata.columns)) {
    facts.push([
      'Table',
      `${rows.toLocaleString('en-US')} rows × ${num(metadata.columnCount) ?? metadata.columns.length} columns: ${someOf(metadata.columns.map(String))}`,
    ]);
  }
  const channels = Array.isArray(metadata.channels) ? metadata.channels : Array.isArray(metadata.topics) ? metadata.topics : null;
  if (channels) {
    const named = channels.filter(isRecord).map((c) => {
      const type = c.schemaName ?? c.type;
      const count = num(c.messageCount);
      return `${String(c.topic ?? c.name)}${typeof type === 'string' && type ? ` (${type}${count !== null ? `, ${count.toLocaleString('en-US')} messages` : ''})` : ''}`;
    });
    facts.push(['Topics', someOf(named, 5)]);
  }
  const messages = num(metadata.messageCount);
  if (messages !== null) facts.push(['Messages', messages.toLocaleString('en-US')]);
  const points = num(metadata.pointCount);
  if (points !== null) facts.push(['Points', points.toLocaleString('en-US')]);
  const fixes = num(metadata.fixCount);
  if (fixes !== null) facts.push(['GNSS fixes', fixes.toLocaleString('en-US')]);
  const more = Object.entries(metadata).filter(
    ([key, value]) =>
      !SAID.has(key) &&
      value !== null &&
      value !== '' &&
      (typeof value !== 'object' || (Array.isArray(value) && value.every((v) => typeof v !== 'object'))),
  );
  if (facts.length === 0 && more.length === 0) return h('p', { className: 'status' }, 'No probe details for this file.');
  return h(
    'div',
    {},
    h(
      'dl',
      { className: 'facts' },
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    more.length
      ? h(
          'details',
          {},
          h('summary', {}, 'More probe details'),
          h(
            'dl',
            { className: 'facts' },
            more.map(([key, value]) => [h('dt', {}, words(key)), h('dd', {}, Array.isArray(value) ? someOf(value.map(String), 8) : String(value))]),
          ),
        )
      : null,
  );
}
