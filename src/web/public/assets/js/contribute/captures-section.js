// The contributor's captures: one table, refreshed while anything is still processing or being followed.
import { api } from '../api.js';
import {
  errorBox,
  formatBytes,
  formatDate,
  formatDuration,
  h,
  mount,
  shorten,
  statusLine,
  dataTable,
  tableRow,
  warningList,
  footprintSummary,
} from '../ui.js';
import { statusBadge } from './status-badge.js';
/** @import { Capture, PageOf } from '../../../types/api' */

const COLUMNS = ['File', 'Status', 'Kind', 'Size', 'Details', 'Uploaded'];
const POLL_MS = 1000;

/**
 * The first number among a probe's metadata keys (probes name their counts differently).
 * @param {Record<string, unknown>} metadata
 * @param {readonly string[]} keys
 */
function count(metadata, keys) {
  for (const key of keys) if (typeof metadata[key] === 'number') return metadata[key];
  return null;
}

/**
 * What the probe found, in one line, then its warnings; the rejection reason for a rejected capture.
 * @param {Capture} c
 */
function details(c) {
  if (c.status === 'rejected') return h('span', { className: 'error' }, `${c.rejection?.code ?? 'rejected'}: ${c.rejection?.reason ?? ''}`);
  if (c.status !== 'ready') return c.status === 'uploading' ? 'Upload not finished' : 'Checking the hash and reading the file…';
  const m = c.metadata ?? {};
  const facts = [];
  if (c.durationSeconds) facts.push(formatDuration(c.durationSeconds));
  const [width, height] = [count(m, ['width']), count(m, ['height'])];
  if (width && height) facts.push(`${width}×${height}`);
  for (const [keys, unit] of /** @type {const} */ ([
    [['pointCount', 'points'], 'points'],
    [['fixCount', 'fixes'], 'fixes'],
    [['rowCount', 'rows'], 'rows'],
  ])) {
    const n = count(m, keys);
    if (n !== null) facts.push(`${n} ${unit}`);
  }
  if (Array.isArray(m.channels)) facts.push(`channels: ${m.channels.slice(0, 6).map(String).join(', ')}${m.channels.length > 6 ? '…' : ''}`);
  if (c.timeRange) facts.push(`${formatDate(c.timeRange.start)} – ${formatDate(c.timeRange.end)}`);
  const where = footprintSummary(c);
  if (where) facts.push(where);
  return [facts.join(' · ') || '—', warningList(c.warnings)];
}

export class CapturesSection {
  constructor() {
    this.element = h('div', {}, statusLine('Loading your captures…'));
    /** @type {Capture[]} */
    this.list = [];
    /** Capture id -> called with each fresh read of that capture until it answers true (done following). */
    /** @type {Map<string, (capture: Capture) => boolean>} */
    this.followers = new Map();
    this.stopped = false;
    /** What to offer beside an unfinished upload (set by the uploads section): Resume here / Discard, or null. */
    /** @type {(capture: Capture) => HTMLElement | null} */
    this.uploadActions = () => null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.pollTimer = undefined;
  }

  /** The captures a dataset can be made of. */
  get ready() {
    return this.list.filter((c) => c.status === 'ready');
  }

  /**
   * Tells `update` about every fresh read of the capture until it answers true; the list is refreshed until then.
   * @param {string} captureId
   * @param {(capture: Capture) => boolean} update
   */
  follow(captureId, update) {
    this.followers.set(captureId, update);
  }

  async refresh() {
    clearTimeout(this.pollTimer);
    try {
      /** @type {PageOf<Capture>} */
      const page = await api('/v1/captures?mine=true&limit=100');
      if (this.stopped) return;
      this.list = page.items;
      this.render();
      for (const capture of this.list) {
        if (this.followers.get(capture.id)?.(capture)) this.followers.delete(capture.id);
      }
    } catch (error) {
      if (!this.stopped) mount(this.element, errorBox(error));
    }
    // Processing runs in the background: look again while anything is still on its way.
    if (!this.stopped && (this.list.some((c) => c.status === 'processing') || this.followers.size > 0)) {
      clearTimeout(this.pollTimer); // two refreshes may overlap: keep one timer
      this.pollTimer = setTimeout(() => void this.refresh(), POLL_MS);
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.pollTimer);
  }

  render() {
    if (this.list.length === 0) {
      mount(this.element, h('p', {}, 'No captures yet: upload some above.'));
      return;
    }
    mount(
      this.element,
      dataTable(
        'Your captures and their processing status',
        COLUMNS,
        this.list.map((c) =>
          tableRow(
            COLUMNS,
            [
              [c.filename, h('br'), h('code', { title: c.sha256 }, shorten(c.sha256, 8))],
              statusBadge(c.status),
              [c.modality, c.format].filter(Boolean).join(' / ') || '—',
              formatBytes(c.sizeBytes),
              [details(c), this.uploadActions(c)],
              formatDate(c.createdAt),
            ],
            { 'data-capture-id': c.id },
          ),
        ),
        'captures',
      ),
    );
  }
}
