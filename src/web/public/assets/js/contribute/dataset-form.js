// The dataset form: a new dataset, an edit of a draft, or the next version of a published dataset; the captures,
// licence (narrowed by unticking uses), price, revenue split and the declarations a review needs.
import { api, ApiError } from '../api.js';
import { licenceTerms, USES } from '../licence-words.js';
import { busy, field, formatBytes, h, on, statusLine } from '../ui.js';
/** @import { Capture, Dataset, DatasetDraft, DatasetVersion, Declarations, LicenceTemplate, PermittedUses, UnitPrices } from '../../../types/api' */

/**
 * The editable fields of a published version, to start the next version from.
 * @param {DatasetVersion} published
 * @returns {Pick<DatasetDraft, 'title' | 'description' | 'tags' | 'captureIds' | 'sampleCaptureIds' | 'licenceTemplateId' | 'licenceTerms' | 'priceUsdCents' | 'unitPrices' | 'declarations' | 'splitPolicy'>}
 */
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
    unitPrices: published.unitPrices,
    declarations: published.declarations,
    splitPolicy: published.splitPolicy,
  };
}

/**
 * A yes / no question as a radio group; value() is true, false, or undefined while unanswered.
 * @param {string} name
 * @param {string} question
 * @param {boolean | undefined} current
 */
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
    /** @returns {boolean | undefined} */
    value: () => (yes.checked ? true : no.checked ? false : undefined),
  };
}

/**
 * "249.99" -> 24999: parsed as text, so no floating-point rounding reaches the price.
 * @param {string} text
 */
function usdToCents(text) {
  const price = text.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(price)) throw new ApiError(400, 'Price must be a number of dollars with at most two decimals, e.g. 249.99');
  const [dollars, cents] = (price.includes('.') ? price : `${price}.`).split('.');
  return Number(dollars) * 100 + Number(cents.padEnd(2, '0'));
}

/**
 * The slice prices as the API takes them: only the filled fields, or null when none is.
 * @param {{ key: keyof UnitPrices, input: HTMLInputElement }[]} inputs
 * @returns {UnitPrices | null}
 */
function unitPricesOf(inputs) {
  /** @type {UnitPrices} */
  const prices = {};
  for (const { key, input } of inputs) if (input.value.trim()) prices[key] = usdToCents(input.value);
  return Object.keys(prices).length > 0 ? prices : null;
}

/**
 * @typedef {object} DatasetFormOptions
 * @property {Dataset | null} dataset the dataset to edit (its draft, or its next version when it has none); null for a new one
 * @property {readonly Capture[]} ready the contributor's ready captures
 * @property {readonly LicenceTemplate[]} licences
 * @property {(saved: Dataset) => Promise<void>} onSaved
 * @property {() => void} onCancel
 */

/** @param {DatasetFormOptions} options */
export function datasetForm({ dataset, ready, licences, onSaved, onCancel }) {
  // A published dataset without a draft is edited as its next version; its captures stay unless others are chosen.
  const newVersion = dataset?.draft ? null : (dataset?.published ?? null);
  const draft = dataset?.draft ?? (newVersion ? draftOfPublished(newVersion) : null);
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
          h(
            'span',
            {},
            `Include ${c.filename}`,
            h('span', { className: 'hint' }, ` (${[c.modality, c.format].filter(Boolean).join(', ')}, ${formatBytes(c.sizeBytes)})`),
          ),
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
  /** The use checkboxes of the chosen template's permitted uses; unticking one narrows the licence. */
  /** @type {Partial<Record<keyof PermittedUses, HTMLInputElement>>} */
  let uses = {};
  const template = () => licences.find((l) => l.id === licence.value);
  const showTerms = () => {
    const chosenTemplate = template();
    if (!chosenTemplate) return;
    const current = draft && draft.licenceTemplateId === chosenTemplate.id ? draft.licenceTerms.permittedUses : chosenTemplate.terms.permittedUses;
    uses = {};
    const boxes = USES.filter(([use]) => chosenTemplate.terms.permittedUses[use]).map(([use, words]) => {
      const box = h('input', { type: 'checkbox', name: `use-${use}`, checked: current[use] });
      uses[use] = box;
      return h('label', { className: 'checkbox' }, box, words);
    });
    termsSlot.replaceChildren(
      licenceTerms(chosenTemplate.terms),
      h('fieldset', {}, h('legend', {}, 'Permitted uses (untick to narrow the licence)'), boxes),
    );
  };
  on(licence, 'change', showTerms);
  showTerms();
  const price = h('input', {
    type: 'text',
    name: 'price',
    inputmode: 'decimal',
    required: true,
    pattern: '\\d+(\\.\\d{1,2})?',
    value: draft ? (draft.priceUsdCents / 100).toFixed(2) : '',
  });
  /** @type {[keyof UnitPrices, string][]} */
  const unitFields = [
    ['perKmUsdCents', 'Per km of track'],
    ['perHourUsdCents', 'Per hour of recording'],
    ['perGbUsdCents', 'Per GB'],
    ['minimumUsdCents', 'Minimum per slice'],
  ];
  const unitInputs = unitFields.map(([key, label]) => {
    const cents = draft?.unitPrices?.[key];
    const input = h('input', {
      type: 'text',
      name: key,
      inputmode: 'decimal',
      pattern: '\\d+(\\.\\d{1,2})?',
      value: cents === undefined ? '' : (cents / 100).toFixed(2),
    });
    return { key, input, node: field(`${label} (USD)`, input) };
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
  /** @type {Partial<Declarations>} */
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
  const save = h('button', { type: 'submit' }, dataset ? 'Save changes' : 'Save draft');
  const heading = newVersion
    ? `Version ${(dataset?.latestVersion ?? newVersion.version) + 1} of ${newVersion.title}`
    : dataset
      ? `Edit ${draft?.title ?? 'dataset'}`
      : 'New dataset';
  const form = h(
    'form',
    { className: 'card dataset-form', 'aria-labelledby': 'dataset-form-heading', novalidate: true },
    h('h3', { id: 'dataset-form-heading' }, heading),
    field('Title', title),
    field('Description', description, 'What was captured, where, when and with what; buyers read this first.'),
    field('Tags', tags, 'Comma-separated, lowercase: e.g. dashcam, winter, urban'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Captures (ready ones)'),
      newVersion ? h('p', { className: 'hint' }, `Leave all unticked to keep the captures of version ${newVersion.version}.`) : null,
      captureRows.length ? captureRows.map((row) => row.node) : h('p', {}, 'No ready captures yet: upload some first.'),
    ),
    field('Licence', licence),
    termsSlot,
    field('Price (USD)', price, 'For example 250 or 249.99'),
    h(
      'fieldset',
      { className: 'unit-prices' },
      h('legend', {}, 'Slice prices (optional; not with an exclusive licence)'),
      h(
        'p',
        { className: 'hint' },
        'Buyers may also buy the captures of an area, time window and sensors, priced by these rates; leave empty to sell whole only.',
      ),
      unitInputs.map((u) => u.node),
    ),
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
    h('div', { className: 'actions' }, save, on(h('button', { type: 'button', className: 'secondary' }, 'Cancel'), 'click', onCancel)),
    statusLine(),
  );
  on(form, 'submit', (event) => {
    event.preventDefault();
    void busy(save, async () => {
      const captureIds = captureRows.filter((row) => row.include.checked).map((row) => row.c.id);
      if (captureIds.length === 0 && !newVersion) throw new Error('Choose at least one ready capture.');
      const chosenTemplate = template();
      if (!chosenTemplate) throw new Error('Choose a licence.');
      const permittedUses = { ...chosenTemplate.terms.permittedUses };
      let narrowed = false;
      for (const [use] of USES) {
        const box = uses[use];
        if (box) permittedUses[use] = box.checked;
        if (box && !box.checked) narrowed = true;
      }
      /** @type {Partial<Declarations>} */
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
        licenceTemplateId: chosenTemplate.id,
        ...(narrowed ? { licenceTerms: { ...chosenTemplate.terms, permittedUses } } : {}),
        priceUsdCents: usdToCents(price.value),
        unitPrices: unitPricesOf(unitInputs),
        declarations,
        splitPolicy: { weighting: weighting.value, curatorBps: draft?.splitPolicy?.curatorBps ?? 0 },
      };
      /** @type {Dataset} */
      const saved = dataset
        ? await api(`/v1/datasets/${dataset.id}`, { method: 'PATCH', body })
        : await api('/v1/datasets', { method: 'POST', body });
      await onSaved(saved);
    });
  });
  return form;
}
