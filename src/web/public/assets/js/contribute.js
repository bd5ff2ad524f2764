// The contributor dashboard: sign in, upload captures (resumable), follow their processing, make datasets of the ready
// ones and submit them for review, see the earnings of every sale and verify each share against the chain.
import { api, ApiError, session } from './api.js';
import {
  busy,
  errorBox,
  field,
  formatBytes,
  formatDate,
  formatDuration,
  formatMoney,
  formatUsd,
  h,
  mount,
  shorten,
  signInPanel,
  startPage,
  statusLine,
} from './ui.js';
import { discardUpload, pendingUploads, runUpload, sameFile, startUpload, storedFile } from './uploader.js';
import { verifyEarning } from './verify-proof.js';

startPage();
const app = document.getElementById('app');

const STATUS_BADGE = {
  ready: 'ok',
  rejected: 'bad',
  processing: 'warn',
  uploading: 'warn',
  published: 'ok',
  in_review: 'warn',
  changes_requested: 'warn',
  draft: '',
  taken_down: 'bad',
};
const badge = (status, text = status.replace(/_/g, ' ')) => h('span', { className: `badge ${STATUS_BADGE[status] ?? ''}` }, text);
const UPLOADS_AT_ONCE = 2;
const percent = (done, total) => (total > 0 ? Math.floor((done * 100) / total) : 100);

let shownUserId;
let dashboard = null;

function render() {
  const user = session.user;
  if (user?.id === shownUserId && dashboard) return;
  dashboard?.stop();
  dashboard = null;
  shownUserId = user?.id;
  if (!user) {
    mount(
      app,
      h('p', {}, 'Contributors upload captures, group them into datasets and are paid their exact share of every sale.'),
      signInPanel({ roles: ['contributor'], title: 'Sign in to contribute' }),
    );
    return;
  }
  if (user.role !== 'contributor' && user.role !== 'admin') {
    mount(
      app,
      h(
        'p',
        { className: 'error', role: 'alert' },
        `You are signed in as a ${user.role}. This dashboard is for contributors: sign out and sign in with a contributor account.`,
      ),
    );
    return;
  }
  dashboard = new Dashboard(user);
}
window.addEventListener('session-changed', render);

/** Every section of the signed-in dashboard; they share the list of captures. */
class Dashboard {
  constructor(user) {
    this.user = user;
    this.stopped = false;
    this.captures = [];
    this.uploadItems = new Map(); // captureId -> the upload item to update when processing finishes
    this.queue = [];
    this.running = 0;
    this.uploadList = h('ul', { className: 'uploads', 'aria-label': 'Uploads' });
    this.capturesSlot = h('div', {}, statusLine('Loading your captures…'));
    this.datasetsSlot = h('div', {}, statusLine('Loading your datasets…'));
    this.formSlot = h('div');
    this.earningsSlot = h('div', {}, statusLine('Loading your earnings…'));
    mount(
      app,
      h('p', { className: 'who' }, `Signed in as ${user.email ?? shorten(user.walletAddress ?? user.wallet ?? user.id)}.`),
      h(
        'section',
        { 'aria-labelledby': 'uploads-heading' },
        h('h2', { id: 'uploads-heading' }, 'Upload captures'),
        this.uploadPanel(),
        this.uploadList,
      ),
      h('section', { 'aria-labelledby': 'captures-heading' }, h('h2', { id: 'captures-heading' }, 'Your captures'), this.capturesSlot),
      h(
        'section',
        { 'aria-labelledby': 'datasets-heading' },
        h('h2', { id: 'datasets-heading' }, 'Your datasets'),
        h('div', { className: 'actions' }, h('button', { type: 'button', onclick: () => this.openDatasetForm(null) }, 'New dataset')),
        this.formSlot,
        this.datasetsSlot,
      ),
      h(
        'section',
        { 'aria-labelledby': 'earnings-heading' },
        h('h2', { id: 'earnings-heading' }, 'Earnings'),
        h(
          'div',
          { className: 'actions' },
          h(
            'button',
            { type: 'button', className: 'secondary', onclick: (event) => busy(event.currentTarget, () => this.loadEarnings()) },
            'Refresh earnings',
          ),
        ),
        this.earningsSlot,
        this.payoutForm(),
      ),
    );
    for (const record of pendingUploads(user.id)) this.addUploadItem(record, null);
    this.refreshCaptures();
    this.loadDatasets();
    this.loadEarnings();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.pollTimer);
  }

  // ---- uploads ----

  uploadPanel() {
    const input = h('input', { type: 'file', multiple: true, name: 'captures' });
    input.addEventListener('change', () => {
      this.upload([...input.files]);
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
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('dragging');
      this.upload([...(event.dataTransfer?.files ?? [])]);
    });
    return zone;
  }

  /** Queues files for upload; two run at a time, so a folder of captures does not hash and send everything at once. */
  async upload(files) {
    for (const file of files) {
      const record = await startUpload(this.user.id, file);
      this.queue.push({ item: this.addUploadItem(record, file), file });
    }
    this.pump();
  }

  pump() {
    while (this.running < UPLOADS_AT_ONCE && this.queue.length > 0 && !this.stopped) {
      const { item, file } = this.queue.shift();
      this.running += 1;
      item.run(file).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /** One list item per upload: its progress bar, its status, and Resume / Discard when it is not running. */
  addUploadItem(record, file) {
    const progress = h('progress', { max: String(Math.max(1, record.size)), value: '0', 'aria-label': `Upload of ${record.name}` });
    const status = statusLine();
    const buttons = h('div', { className: 'actions' });
    const li = h(
      'li',
      { className: 'card upload', dataset: { uploadKey: record.key } },
      h('strong', {}, record.name),
      ` · ${formatBytes(record.size)}`,
      progress,
      status,
      buttons,
    );
    this.uploadList.prepend(li);
    const doneParts = () => Object.keys(record.etags ?? {}).length;
    // The bar moves with every progress event; the announced text changes at most about once a second (and at
    // each new phase or part), so screen readers are not flooded.
    let shownKey = '';
    let shownAt = 0;
    let listed = false;
    const show = ({ phase, done, total }) => {
      progress.value = done;
      if (phase === 'uploading' && !listed) {
        // The capture exists now: list it (as uploading) beside the others.
        listed = true;
        this.refreshCaptures();
      }
      const key = `${phase}:${doneParts()}`;
      if (key === shownKey && done < total && Date.now() - shownAt < 1000) return;
      shownKey = key;
      shownAt = Date.now();
      if (phase === 'hashing') status.textContent = `Computing SHA-256: ${formatBytes(done)} of ${formatBytes(total)} (${percent(done, total)}%)`;
      else if (phase === 'uploading')
        status.textContent = `Uploading: ${formatBytes(done)} of ${formatBytes(total)} (${percent(done, total)}%)${record.partCount > 1 ? `, part ${Math.min(doneParts() + 1, record.partCount)} of ${record.partCount}` : ''}`;
      else status.textContent = `Uploaded ${formatBytes(total)} (100%). Finishing…`;
    };
    const offerResume = (message) => {
      const resume = h('button', { type: 'button' }, 'Resume');
      const discard = h('button', { type: 'button', className: 'secondary' }, 'Discard');
      resume.addEventListener('click', () => busy(resume, () => item.resume()));
      discard.addEventListener('click', () =>
        busy(discard, async () => {
          await discardUpload(record.key);
          li.remove();
        }),
      );
      mount(buttons, resume, discard);
      status.textContent = message;
    };
    const item = {
      run: async (chosen) => {
        mount(buttons);
        li.querySelector(':scope > .error')?.remove();
        try {
          const capture = await runUpload(record, chosen, show);
          progress.value = record.size;
          this.uploadItems.set(capture.id, { status, li });
          this.showCaptureOutcome(capture);
          this.refreshCaptures();
        } catch (error) {
          li.append(errorBox(error));
          offerResume(
            record.captureId
              ? `Stopped after ${doneParts()} of ${record.partCount} parts. Resume to send the rest.`
              : 'Stopped before the upload started. Resume to try again.',
          );
        }
      },
      resume: async () => {
        const kept = await storedFile(record.key);
        if (kept && sameFile(record, kept)) return item.run(kept);
        // The browser did not keep the file (storage refused): the same file, picked again, continues the upload.
        const again = h('input', { type: 'file', name: 'resume-file' });
        again.addEventListener('change', () => {
          const picked = again.files?.[0];
          if (picked) item.run(picked);
        });
        mount(buttons, field(`Choose ${record.name} again to resume`, again));
        return undefined;
      },
    };
    if (file) status.textContent = 'Waiting to start…';
    else {
      const done = Object.keys(record.etags ?? {}).reduce(
        (sum, n) => sum + Math.max(0, Math.min(record.size, n * record.partSizeBytes) - (n - 1) * record.partSizeBytes),
        0,
      );
      progress.value = done;
      offerResume(
        record.captureId
          ? `Interrupted: ${doneParts()} of ${record.partCount} parts sent (${percent(done, record.size)}%). Resume to send the rest.`
          : 'Interrupted before the upload started. Resume to start it.',
      );
    }
    return item;
  }

  showCaptureOutcome(capture) {
    const item = this.uploadItems.get(capture.id);
    if (!item) return;
    item.status.classList.toggle('error', capture.status === 'rejected');
    if (capture.status === 'ready') {
      item.status.textContent = `Uploaded (100%). Ready: ${[capture.modality, capture.format].filter(Boolean).join(', ')}.`;
      this.uploadItems.delete(capture.id);
    } else if (capture.status === 'rejected') {
      item.status.textContent = `Uploaded (100%). Rejected: ${capture.rejection?.reason ?? 'no reason given'}`;
      this.uploadItems.delete(capture.id);
    } else {
      item.status.textContent = `Uploaded (100%). ${capture.status === 'processing' ? 'Processing: checking the hash and reading the file…' : capture.status}`;
    }
  }

  // ---- captures ----

  async refreshCaptures() {
    clearTimeout(this.pollTimer);
    try {
      const page = await api('/v1/captures?mine=true&limit=100');
      if (this.stopped) return;
      this.captures = page.items;
      this.renderCaptures();
      for (const capture of this.captures) this.showCaptureOutcome(capture);
    } catch (error) {
      if (!this.stopped) mount(this.capturesSlot, errorBox(error));
    }
    // Processing runs in the background: look again while anything is still on its way.
    if (!this.stopped && (this.captures.some((c) => c.status === 'processing') || this.uploadItems.size > 0)) {
      clearTimeout(this.pollTimer); // two refreshes may overlap: keep one timer
      this.pollTimer = setTimeout(() => this.refreshCaptures(), 1000);
    }
  }

  renderCaptures() {
    if (this.captures.length === 0) {
      mount(this.capturesSlot, h('p', {}, 'No captures yet: upload some above.'));
      return;
    }
    const details = (c) => {
      if (c.status === 'rejected') return h('span', { className: 'error' }, `${c.rejection?.code ?? 'rejected'}: ${c.rejection?.reason ?? ''}`);
      if (c.status !== 'ready') return c.status === 'uploading' ? 'Upload not finished' : 'Checking the hash and reading the file…';
      const m = c.metadata ?? {};
      const facts = [];
      if (c.durationSeconds) facts.push(formatDuration(c.durationSeconds));
      if (m.width && m.height) facts.push(`${m.width}×${m.height}`);
      if (m.pointCount ?? m.points) facts.push(`${m.pointCount ?? m.points} points`);
      if (m.fixCount ?? m.fixes) facts.push(`${m.fixCount ?? m.fixes} fixes`);
      if (m.rowCount ?? m.rows) facts.push(`${m.rowCount ?? m.rows} rows`);
      if (Array.isArray(m.channels)) facts.push(`channels: ${m.channels.slice(0, 6).join(', ')}${m.channels.length > 6 ? '…' : ''}`);
      if (c.timeRange) facts.push(`${formatDate(c.timeRange.start)} – ${formatDate(c.timeRange.end)}`);
      if (c.bbox) facts.push(`area ${c.bbox.map((v) => Number(v).toFixed(3)).join(', ')}`);
      return facts.join(' · ') || '—';
    };
    mount(
      this.capturesSlot,
      h(
        'table',
        { className: 'captures' },
        h('caption', { className: 'sr-only' }, 'Your captures and their processing status'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['File', 'Status', 'Kind', 'Size', 'Details', 'Uploaded'].map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h(
          'tbody',
          {},
          this.captures.map((c) =>
            h(
              'tr',
              { dataset: { captureId: c.id } },
              h('td', {}, c.filename, h('br'), h('code', { title: c.sha256 }, shorten(c.sha256, 8))),
              h('td', {}, badge(c.status)),
              h('td', {}, [c.modality, c.format].filter(Boolean).join(' / ') || '—'),
              h('td', {}, formatBytes(c.sizeBytes)),
              h('td', {}, details(c)),
              h('td', {}, formatDate(c.createdAt)),
            ),
          ),
        ),
      ),
    );
  }

  // ---- datasets ----

  async loadDatasets() {
    try {
      const { items } = await api('/v1/me/datasets?limit=100');
      // Single reads carry each contributor's weight under the split policy: shown before agreeing to submit.
      const detailed = await Promise.all(items.map((d) => (d.draft ? api(`/v1/datasets/${d.id}`).catch(() => d) : d)));
      if (this.stopped) return;
      this.datasets = detailed;
      mount(
        this.datasetsSlot,
        detailed.length === 0
          ? h('p', {}, 'No datasets yet. Make one from your ready captures.')
          : h(
              'div',
              { className: 'grid' },
              detailed.map((d) => this.datasetCard(d)),
            ),
      );
    } catch (error) {
      mount(this.datasetsSlot, errorBox(error));
    }
  }

  datasetCard(d) {
    const draft = d.draft;
    const title = draft?.title ?? d.published?.title ?? 'Untitled';
    const state = draft ? draft.state : d.status;
    const actions = h('div', { className: 'actions' });
    if (draft && draft.state !== 'in_review') {
      actions.append(
        h('button', { type: 'button', className: 'secondary', 'aria-label': `Edit ${title}`, onclick: () => this.openDatasetForm(d) }, 'Edit'),
      );
      const submit = h('button', { type: 'button', 'aria-label': `Submit ${title} for review` }, 'Submit for review');
      submit.addEventListener('click', () =>
        busy(submit, async () => {
          await api(`/v1/datasets/${d.id}/submit`, { method: 'POST' });
          await this.loadDatasets();
          document.querySelector(`[data-dataset-id="${d.id}"] [role="status"]`)?.replaceChildren('Submitted: an admin will review it.');
        }),
      );
      actions.append(submit);
    } else if (!draft && d.status === 'published') {
      actions.append(
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            'aria-label': `Start version ${d.latestVersion + 1} of ${title}`,
            onclick: () => this.openDatasetForm(d),
          },
          `Start version ${d.latestVersion + 1}`,
        ),
      );
    }
    const weights = draft?.contributors ?? d.published?.contributors;
    const policy = draft?.splitPolicy ?? d.published?.splitPolicy;
    return h(
      'article',
      { className: 'card dataset', dataset: { datasetId: d.id }, 'aria-label': title },
      h('h3', {}, title),
      h(
        'p',
        {},
        badge(d.status),
        ' ',
        draft && state !== d.status ? badge(state, `draft: ${state.replace(/_/g, ' ')}`) : null,
        d.latestVersion ? ` version ${d.latestVersion} published` : '',
      ),
      h(
        'dl',
        { className: 'facts' },
        h('dt', {}, 'Price'),
        h('dd', {}, formatUsd(draft?.priceUsdCents ?? d.published?.priceUsdCents ?? 0)),
        h('dt', {}, 'Captures'),
        h('dd', {}, String(draft?.captureIds.length ?? d.published?.coverage.fileCount ?? 0)),
        draft?.state === 'in_review' && draft.submittedAt ? [h('dt', {}, 'Submitted'), h('dd', {}, formatDate(draft.submittedAt))] : null,
      ),
      draft?.reviewReason ? h('p', { className: 'review-reason' }, h('strong', {}, 'Reviewer: '), draft.reviewReason) : null,
      d.takedownReason ? h('p', { className: 'error' }, `Taken down: ${d.takedownReason}`) : null,
      draft && draft.missingDeclarations.length > 0
        ? h(
            'div',
            {},
            h('p', {}, 'Still missing before it can be submitted:'),
            h(
              'ul',
              { className: 'missing' },
              draft.missingDeclarations.map((m) => h('li', {}, m)),
            ),
          )
        : null,
      weights?.length
        ? h(
            'details',
            { open: draft?.state === 'editing' },
            h(
              'summary',
              {},
              `Revenue split (${policy ? `weighted by ${policy.weighting}, curator ${(policy.curatorBps / 100).toFixed(2)}%` : 'weighted by bytes'})`,
            ),
            h('p', { className: 'hint' }, 'After the platform fee (and any curator share), contributors share each sale by these weights:'),
            h(
              'ul',
              {},
              weights.map((w) =>
                h(
                  'li',
                  {},
                  `${w.contributorId === this.user.id ? 'You' : shorten(w.contributorId)}: ${(w.weightBps / 100).toFixed(2)}% (${w.files} files, ${formatBytes(w.bytes)})`,
                ),
              ),
            ),
          )
        : null,
      actions,
      statusLine(),
    );
  }

  async openDatasetForm(dataset) {
    const slot = this.formSlot;
    mount(slot, statusLine('Loading the form…'));
    let licences;
    try {
      licences = await api('/v1/licences');
      await this.refreshCaptures();
    } catch (error) {
      mount(slot, errorBox(error));
      return;
    }
    // A published dataset without a draft is edited as its next version; its captures stay unless others are chosen.
    const newVersion = Boolean(dataset && !dataset.draft && dataset.published);
    const draft = dataset?.draft ?? (newVersion ? draftOfPublished(dataset.published) : null);
    const ready = this.captures.filter((c) => c.status === 'ready');
    const title = h('input', { type: 'text', name: 'title', required: true, minlength: 3, maxlength: 200, value: draft?.title ?? '' });
    const description = h('textarea', { name: 'description', maxlength: 20000 }, draft?.description ?? '');
    const tags = h('input', { type: 'text', name: 'tags', value: (draft?.tags ?? []).join(', ') });
    const chosen = new Set(draft?.captureIds ?? []);
    const samples = new Set(draft?.sampleCaptureIds ?? []);
    const captureRows = ready.map((c) => {
      const include = h('input', { type: 'checkbox', name: 'captureIds', value: c.id, checked: chosen.has(c.id) });
      const sample = h('input', { type: 'checkbox', name: 'sampleCaptureIds', value: c.id, checked: samples.has(c.id) });
      return {
        c,
        include,
        sample,
        node: h(
          'div',
          { className: 'capture-choice' },
          h(
            'label',
            { className: 'checkbox' },
            include,
            `Include ${c.filename}`,
            h('span', { className: 'hint' }, ` (${[c.modality, c.format].filter(Boolean).join(', ')}, ${formatBytes(c.sizeBytes)})`),
          ),
          h('label', { className: 'checkbox' }, sample, `Free preview: ${c.filename}`),
        ),
      };
    });
    const licence = h(
      'select',
      { name: 'licence', required: true },
      licences.map((l) => h('option', { value: l.id, selected: l.id === draft?.licenceTemplateId }, l.name)),
    );
    const termsSlot = h('div', { className: 'licence-terms' });
    let uses = {};
    const showTerms = () => {
      const template = licences.find((l) => l.id === licence.value);
      if (!template) return;
      const current = draft && draft.licenceTemplateId === template.id ? draft.licenceTerms.permittedUses : template.terms.permittedUses;
      uses = {};
      mount(
        termsSlot,
        h('p', {}, describeTerms(template.terms)),
        h(
          'fieldset',
          {},
          h('legend', {}, 'Permitted uses (untick to narrow the licence)'),
          Object.entries(template.terms.permittedUses)
            .filter(([, granted]) => granted)
            .map(([use]) => {
              uses[use] = h('input', { type: 'checkbox', name: `use-${use}`, checked: current[use] !== false });
              return h('label', { className: 'checkbox' }, uses[use], USE_NAMES[use] ?? use);
            }),
        ),
      );
    };
    licence.addEventListener('change', showTerms);
    showTerms();
    const price = h('input', {
      type: 'text',
      name: 'price',
      inputmode: 'decimal',
      required: true,
      pattern: '\\d+(\\.\\d{1,2})?',
      value: draft ? (draft.priceUsdCents / 100).toFixed(2) : '',
    });
    const weighting = h(
      'select',
      { name: 'weighting' },
      [
        ['bytes', 'bytes of data'],
        ['duration', 'recorded duration'],
        ['messages', 'messages / rows'],
      ].map(([value, label]) => h('option', { value, selected: (draft?.splitPolicy?.weighting ?? 'bytes') === value }, label)),
    );
    const decl = draft?.declarations ?? {};
    const ownsRights = h('input', { type: 'checkbox', name: 'ownsRights', checked: decl.ownsRights === true });
    const identifiable = yesNo('identifiablePeople', 'Can people be identified in the data (faces, plates, voices, names)?', decl.identifiablePeople);
    const consent = h('input', { type: 'checkbox', name: 'consentObtained', checked: decl.consentObtained === true });
    const redacted = yesNo('piiRedacted', 'Are faces and licence plates blurred (or are there none)?', decl.piiRedacted);
    const restricted = yesNo(
      'restrictedLocations',
      'Does the data show restricted locations (military sites, critical infrastructure, private premises)?',
      decl.restrictedLocations,
    );
    const restrictedNote = h('textarea', { name: 'restrictedLocationsNote', maxlength: 2000 }, decl.restrictedLocationsNote ?? '');
    const out = statusLine();
    const save = h('button', { type: 'submit' }, dataset ? 'Save changes' : 'Save draft');
    const form = h(
      'form',
      { className: 'card dataset-form', 'aria-labelledby': 'dataset-form-heading', novalidate: true },
      h(
        'h3',
        { id: 'dataset-form-heading' },
        newVersion ? `Version ${dataset.latestVersion + 1} of ${draft.title}` : dataset ? `Edit ${draft?.title ?? 'dataset'}` : 'New dataset',
      ),
      field('Title', title),
      field('Description', description, 'What was captured, where, when and with what; buyers read this first.'),
      field('Tags', tags, 'Comma-separated, lowercase: e.g. dashcam, winter, urban'),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Captures (ready ones)'),
        newVersion ? h('p', { className: 'hint' }, `Leave all unticked to keep the captures of version ${dataset.latestVersion}.`) : null,
        captureRows.length ? captureRows.map((row) => row.node) : h('p', {}, 'No ready captures yet: upload some first.'),
      ),
      field('Licence', licence),
      termsSlot,
      field('Price (USD)', price, 'For example 250 or 249.99'),
      field("Split the contributors' share by", weighting),
      h(
        'fieldset',
        { className: 'declarations' },
        h('legend', {}, 'Declarations (all are needed to submit)'),
        h('label', { className: 'checkbox' }, ownsRights, 'I own this data or may license it'),
        identifiable.node,
        h('label', { className: 'checkbox' }, consent, 'Consent was obtained from the people who can be identified'),
        redacted.node,
        restricted.node,
        field('Which restricted locations are shown, and why they may be', restrictedNote),
      ),
      h('div', { className: 'actions' }, save, h('button', { type: 'button', className: 'secondary', onclick: () => mount(slot) }, 'Cancel')),
      out,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(save, async () => {
        const captureIds = captureRows.filter((row) => row.include.checked).map((row) => row.c.id);
        if (captureIds.length === 0 && !newVersion) throw new Error('Choose at least one ready capture.');
        const template = licences.find((l) => l.id === licence.value);
        const permittedUses = { ...template.terms.permittedUses };
        for (const [use, box] of Object.entries(uses)) permittedUses[use] = box.checked;
        const narrowed = Object.entries(uses).some(([, box]) => !box.checked);
        const declarations = { ownsRights: ownsRights.checked };
        if (identifiable.value() !== undefined) declarations.identifiablePeople = identifiable.value();
        if (consent.checked) declarations.consentObtained = true;
        if (redacted.value() !== undefined) declarations.piiRedacted = redacted.value();
        if (restricted.value() !== undefined) declarations.restrictedLocations = restricted.value();
        if (restrictedNote.value.trim()) declarations.restrictedLocationsNote = restrictedNote.value.trim();
        const body = {
          title: title.value.trim(),
          description: description.value,
          tags: tags.value
            .split(',')
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
          ...(captureIds.length > 0
            ? { captureIds, sampleCaptureIds: captureRows.filter((row) => row.include.checked && row.sample.checked).map((row) => row.c.id) }
            : {}),
          licenceTemplateId: template.id,
          ...(narrowed ? { licenceTerms: { ...template.terms, permittedUses } } : {}),
          priceUsdCents: usdToCents(price.value),
          declarations,
          splitPolicy: { weighting: weighting.value, curatorBps: draft?.splitPolicy?.curatorBps ?? 0 },
        };
        const saved = dataset
          ? await api(`/v1/datasets/${dataset.id}`, { method: 'PATCH', body })
          : await api('/v1/datasets', { method: 'POST', body });
        mount(slot);
        await this.loadDatasets();
        const missing = saved.draft?.missingDeclarations ?? [];
        document
          .querySelector(`[data-dataset-id="${saved.id}"] [role="status"]`)
          ?.replaceChildren(
            missing.length ? 'Saved as a draft. Complete the declarations before submitting.' : 'Saved. Submit it for review when you are ready.',
          );
      });
    });
    mount(slot, form);
    title.focus();
  }

  // ---- earnings ----

  async loadEarnings() {
    let earnings;
    try {
      earnings = await api('/v1/me/earnings');
    } catch (error) {
      mount(this.earningsSlot, errorBox(error));
      return;
    }
    if (this.stopped) return;
    if (earnings.length === 0) {
      mount(this.earningsSlot, h('p', {}, 'No sales yet. Each sale of a dataset with your captures shows here, with a proof of your share.'));
      return;
    }
    const payees = [this.user.id, this.user.walletAddress, this.user.wallet].filter(Boolean);
    mount(
      this.earningsSlot,
      h(
        'table',
        { className: 'earnings' },
        h('caption', { className: 'sr-only' }, 'Your share of every sale'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Sale', 'Order', 'Role', 'Amount', 'Paid out', 'On-chain record'].map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h(
          'tbody',
          {},
          earnings.map((e) => {
            const result = statusLine();
            const verify = h(
              'button',
              { type: 'button', className: 'secondary', 'aria-label': `Verify on-chain: sale ${shorten(e.splitId)}` },
              'Verify on-chain',
            );
            verify.addEventListener('click', () =>
              busy(verify, async () => {
                result.textContent = 'Reading the memo from the chain and folding the proof…';
                const outcome = await verifyEarning(e, payees);
                mount(
                  result,
                  outcome.ok ? [badge('ready', 'verified'), ' ', outcome.message] : [badge('rejected', 'not verified'), ' ', outcome.reason],
                );
              }),
            );
            return h(
              'tr',
              { dataset: { splitId: e.splitId } },
              h('td', {}, h('code', { title: e.splitId }, shorten(e.splitId))),
              h('td', {}, h('code', { title: e.orderId }, shorten(e.orderId))),
              h('td', {}, e.role),
              h('td', {}, formatMoney(e.amount, e.currency), e.refunded ? [' ', badge('rejected', 'refunded')] : null),
              h('td', {}, e.paidOut ? 'yes' : 'not yet'),
              h(
                'td',
                {},
                e.txSignature ? h('code', { title: e.txSignature }, shorten(e.txSignature)) : 'pending',
                h('div', { className: 'actions' }, verify),
                result,
              ),
            );
          }),
        ),
      ),
    );
  }

  payoutForm() {
    const usdc = h('input', { type: 'radio', name: 'payout-kind', value: 'usdc', checked: true });
    const stripe = h('input', { type: 'radio', name: 'payout-kind', value: 'stripe' });
    const wallet = h('input', { type: 'text', name: 'wallet', autocomplete: 'off', spellcheck: 'false' });
    const account = h('input', { type: 'text', name: 'account', autocomplete: 'off', spellcheck: 'false', placeholder: 'acct_…' });
    const out = statusLine();
    const save = h('button', { type: 'submit' }, 'Save payout method');
    const form = h(
      'form',
      { className: 'card payout', 'aria-labelledby': 'payout-heading' },
      h('h3', { id: 'payout-heading' }, 'Payout method'),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Pay me in'),
        h('label', { className: 'checkbox' }, usdc, 'USDC to a Solana wallet'),
        h('label', { className: 'checkbox' }, stripe, 'Stripe Connect (card sales in USD)'),
      ),
      field(
        'Solana wallet (base58)',
        wallet,
        `For USDC. Leave empty to use the wallet you signed in with${this.user.walletAddress ? ` (${shorten(this.user.walletAddress)})` : ''}.`,
      ),
      field('Stripe Connect account', account, 'For Stripe: your account id, acct_…'),
      h('div', { className: 'actions' }, save),
      out,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(save, async () => {
        const kind = stripe.checked ? 'stripe' : 'usdc';
        const body =
          kind === 'stripe' ? { kind, account: account.value.trim() } : { kind, ...(wallet.value.trim() ? { wallet: wallet.value.trim() } : {}) };
        const saved = await api('/v1/me/payout-method', { method: 'PUT', body });
        out.textContent =
          saved.kind === 'stripe'
            ? `Saved: payouts go to Stripe account ${saved.account}.`
            : `Saved: payouts go in USDC to ${saved.wallet ?? 'your sign-in wallet'}.`;
      });
    });
    return form;
  }
}

/** The editable fields of a published version, to start the next version from. */
function draftOfPublished(published) {
  return {
    title: published.title,
    description: published.description,
    tags: published.tags,
    captureIds: [],
    sampleCaptureIds: [],
    licenceTemplateId: published.licence.templateId,
    licenceTerms: published.licence.terms,
    priceUsdCents: published.priceUsdCents,
    declarations: published.declarations,
    splitPolicy: published.splitPolicy,
  };
}

const USE_NAMES = {
  aiTraining: 'AI training',
  evaluation: 'Evaluation and benchmarking',
  commercialUse: 'Commercial use',
  redistribution: 'Redistribution',
  derivativeMaps: 'Derivative maps',
};

/** The licence terms in plain words. */
function describeTerms(terms) {
  const allowed = Object.entries(terms.permittedUses)
    .filter(([, on]) => on)
    .map(([use]) => USE_NAMES[use] ?? use);
  return [
    `Allows: ${allowed.join(', ') || 'nothing'}.`,
    terms.attributionRequired ? 'Attribution required.' : 'No attribution required.',
    `Territory: ${terms.territory.includes('WORLD') ? 'worldwide' : terms.territory.join(', ')}.`,
    terms.termMonths ? `Lasts ${terms.termMonths} months.` : 'Perpetual.',
    terms.exclusive ? 'Exclusive: sold to one buyer only.' : 'Non-exclusive.',
    terms.maxSeats ? `Up to ${terms.maxSeats} seats.` : 'Unlimited seats.',
  ].join(' ');
}

/** A yes / no question as a radio group; value() is true, false, or undefined while unanswered. */
function yesNo(name, question, current) {
  const yes = h('input', { type: 'radio', name, value: 'yes', checked: current === true });
  const no = h('input', { type: 'radio', name, value: 'no', checked: current === false });
  return {
    node: h(
      'fieldset',
      { className: 'yes-no' },
      h('legend', {}, question),
      h('label', { className: 'checkbox' }, yes, 'Yes'),
      h('label', { className: 'checkbox' }, no, 'No'),
    ),
    value: () => (yes.checked ? true : no.checked ? false : undefined),
  };
}

/** "249.99" -> 24999: parsed as text, so no floating-point rounding reaches the price. */
function usdToCents(text) {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) throw new ApiError(400, 'Price must be a number of dollars with at most two decimals, e.g. 249.99');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

render();
