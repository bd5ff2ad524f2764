// Uploading captures: a drop zone, a queue (two files at a time), and one item per upload with its progress bar, status
// and Resume / Discard when it is not running. Unfinished uploads of earlier visits come back as items to resume.
import { actionButton, errorBox, field, formatBytes, h, mount, on, statusLine } from '../ui.js';
import { adoptUpload, discardOnServer, pendingUploads, runUpload, sameFile, sentBytes, startUpload, storedFile } from '../uploader.js';
/** @import { Capture, User } from '../../../types/api' */
/** @import { CapturesSection } from './captures-section.js' */
/** @import { UploadProgress, UploadRecord } from '../uploader.js' */

const UPLOADS_AT_ONCE = 2;

/**
 * @param {number} done
 * @param {number} total
 */
const percent = (done, total) => (total > 0 ? Math.floor((done * 100) / total) : 100);

/** @typedef {{ run: (file: File) => Promise<void> }} UploadItem */

export class UploadsSection {
  /**
   * @param {User} user
   * @param {CapturesSection} captures
   */
  constructor(user, captures) {
    this.user = user;
    this.captures = captures;
    /** @type {{ item: UploadItem, file: File }[]} */
    this.queue = [];
    this.running = 0;
    this.stopped = false;
    this.list = h('ul', { className: 'uploads', 'aria-label': 'Uploads' });
    this.element = h('div', {}, this.dropZone(), this.list);
    captures.uploadActions = (capture) => this.orphanActions(capture);
  }

  /**
   * Resume here / Discard for an unfinished upload this browser has no record of (started in another browser, or its
   * storage was cleared); null for any other capture.
   * @param {Capture} capture
   */
  orphanActions(capture) {
    if (capture.status !== 'uploading' || pendingUploads(this.user.id).some((record) => record.captureId === capture.id)) return null;
    return h(
      'div',
      { className: 'actions' },
      actionButton(
        'Resume here',
        async () => {
          this.addItem(await adoptUpload(this.user.id, capture), null);
          this.captures.render();
        },
        { className: 'secondary', 'aria-label': `Resume ${capture.filename} here` },
      ),
      actionButton(
        'Discard',
        async () => {
          await discardOnServer({ captureId: capture.id });
          await this.captures.refresh();
        },
        { className: 'secondary', 'aria-label': `Discard the upload of ${capture.filename}` },
      ),
    );
  }

  /** Items for the uploads an earlier visit left unfinished, each waiting for Resume. */
  showPending() {
    for (const record of pendingUploads(this.user.id)) this.addItem(record, null);
  }

  stop() {
    this.stopped = true;
  }

  dropZone() {
    const input = h('input', { type: 'file', multiple: true, name: 'captures' });
    on(input, 'change', () => {
      void this.upload([...(input.files ?? [])]);
      input.value = '';
    });
    const zone = h(
      'div',
      { className: 'card drop-zone' },
      field(
        'Choose capture files',
        input,
        'Video (MP4/MOV), point clouds (LAS/PLY), GNSS (NMEA, GPX, RINEX), telemetry (CSV, JSONL, MCAP)… or drop files here. Up to 50 GiB each; uploads resume after a reload.',
      ),
    );
    on(zone, 'dragover', (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
    on(zone, 'dragleave', () => {
      zone.classList.remove('dragging');
    });
    on(zone, 'drop', (event) => {
      event.preventDefault();
      zone.classList.remove('dragging');
      void this.upload([...(event.dataTransfer?.files ?? [])]);
    });
    return zone;
  }

  /**
   * Queues files for upload; two run at a time, so a folder of captures does not hash and send everything at once.
   * @param {File[]} files
   */
  async upload(files) {
    for (const file of files) {
      const record = await startUpload(this.user.id, file);
      this.queue.push({ item: this.addItem(record, file), file });
    }
    this.pump();
  }

  pump() {
    while (this.running < UPLOADS_AT_ONCE && !this.stopped) {
      const next = this.queue.shift();
      if (!next) return;
      this.running += 1;
      void next.item.run(next.file).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /**
   * One list item per upload: its progress bar, its status, and Resume / Discard when it is not running.
   * @param {UploadRecord} record
   * @param {File | null} file the file to upload now; null for an upload to resume
   * @returns {UploadItem}
   */
  addItem(record, file) {
    const progress = h('progress', { max: String(Math.max(1, record.size)), value: '0', 'aria-label': `Upload of ${record.name}` });
    const status = statusLine();
    const buttons = h('div', { className: 'actions' });
    const li = h(
      'li',
      { className: 'card upload', 'data-upload-key': record.key },
      h('strong', { className: 'file-name' }, record.name),
      ` · ${formatBytes(record.size)}`,
      progress,
      status,
      buttons,
    );
    this.list.prepend(li);
    const doneParts = () => Object.keys(record.etags).length;
    const partCount = () => record.partCount ?? 0;
    // The bar moves with every progress event; the announced text changes at most about once a second (and at
    // each new phase or part), so screen readers are not flooded.
    let shownKey = '';
    let shownAt = 0;
    let listed = false;
    /** @param {UploadProgress} update */
    const show = ({ phase, done, total }) => {
      progress.value = done;
      if (phase === 'uploading' && !listed) {
        // The capture exists now: list it (as uploading) beside the others.
        listed = true;
        void this.captures.refresh();
      }
      const key = `${phase}:${doneParts()}`;
      if (key === shownKey && done < total && Date.now() - shownAt < 1000) return;
      shownKey = key;
      shownAt = Date.now();
      const amount = `${formatBytes(done)} of ${formatBytes(total)} (${percent(done, total)}%)`;
      if (phase === 'hashing') status.textContent = `Computing SHA-256: ${amount}`;
      else if (phase === 'uploading')
        status.textContent = `Uploading: ${amount}${partCount() > 1 ? `, part ${Math.min(doneParts() + 1, partCount())} of ${partCount()}` : ''}`;
      else status.textContent = `Uploaded ${formatBytes(total)} (100%). Finishing…`;
    };
    /**
     * What became of the capture once its bytes are in; answers true once that is final.
     * @param {Capture} capture
     */
    const showOutcome = (capture) => {
      status.classList.toggle('error', capture.status === 'rejected');
      if (capture.status === 'ready')
        status.textContent = `Uploaded (100%). Ready: ${[capture.modality, capture.format].filter(Boolean).join(', ')}.`;
      else if (capture.status === 'rejected') status.textContent = `Uploaded (100%). Rejected: ${capture.rejection?.reason ?? 'no reason given'}`;
      else
        status.textContent = `Uploaded (100%). ${capture.status === 'processing' ? 'Processing: checking the hash and reading the file…' : capture.status}`;
      return capture.status === 'ready' || capture.status === 'rejected';
    };
    /** @param {string} message */
    const offerResume = (message) => {
      const discard = actionButton(
        'Discard',
        async () => {
          await discardOnServer(record);
          li.remove();
          await this.captures.refresh();
        },
        { className: 'secondary' },
      );
      mount(buttons, actionButton('Resume', resume), discard);
      status.textContent = message;
    };
    /** @param {File} chosen */
    const run = async (chosen) => {
      mount(buttons);
      li.querySelector(':scope > .error')?.remove();
      try {
        const capture = await runUpload(record, chosen, show);
        progress.value = record.size;
        if (!showOutcome(capture)) this.captures.follow(capture.id, showOutcome);
        void this.captures.refresh();
      } catch (error) {
        li.append(errorBox(error));
        offerResume(
          record.captureId
            ? `Stopped after ${doneParts()} of ${partCount()} parts. Resume to send the rest.`
            : 'Stopped before the upload started. Resume to try again.',
        );
      }
    };
    const resume = async () => {
      const kept = await storedFile(record.key);
      if (kept && sameFile(record, kept)) {
        await run(kept);
        return;
      }
      // The browser did not keep the file (storage refused): the same file, picked again, continues the upload.
      const again = h('input', { type: 'file', name: 'resume-file' });
      on(again, 'change', () => {
        const picked = again.files?.[0];
        if (picked) void run(picked);
      });
      mount(buttons, field(`Choose ${record.name} again to resume`, again));
    };
    if (file) status.textContent = 'Waiting to start…';
    else {
      const done = sentBytes(record);
      progress.value = done;
      offerResume(
        record.captureId
          ? `Interrupted: ${doneParts()} of ${partCount()} parts sent (${percent(done, record.size)}%). Resume to send the rest.`
          : 'Interrupted before the upload started. Resume to start it.',
      );
    }
    return { run };
  }
}
