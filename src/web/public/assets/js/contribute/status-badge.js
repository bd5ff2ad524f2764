// The dashboard's status badges: captures, datasets and drafts in their colours.
import { h } from '../ui.js';

/** @type {Record<string, string>} */
const TONE = {
  ready: 'ok',
  rejected: 'bad',
  processing: 'warn',
  uploading: 'warn',
  published: 'ok',
  in_review: 'warn',
  changes_requested: 'warn',
  taken_down: 'bad',
};

/**
 * @param {string} status
 * @param {string} [text] what the badge says; the status in words by default
 */
export const statusBadge = (status, text = status.replace(/_/g, ' ')) => h('span', { className: `badge ${TONE[status] ?? ''}` }, text);
