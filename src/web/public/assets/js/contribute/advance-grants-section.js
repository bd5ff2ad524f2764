// Advance grants: consent given once for every dataset that takes your captures from one network, or that one curator
// makes, within the licences, uses and territory you allow, at no less than the share and price you set, until a date.
// A curator's draft within those terms needs no request of you: it counts as your grant when submitted. Revoking stops
// it for drafts not yet cleared; datasets it already cleared keep it (withdraw from those above). The server hands out the
// exact grant to give (issuedAt and nonce chosen by it) and the message to sign: with a linked wallet in the browser, the
// wallet signs it; otherwise the session gives it.
import { api } from '../api.js';
import {
  actionButton,
  confirmButton,
  dataTable,
  errorBox,
  field,
  formatDate,
  formatUsd,
  h,
  mount,
  shorten,
  statusLine,
  tableRow,
  walletProvider,
  walletSignature,
} from '../ui.js';
/** @import { AdvanceGrant, AdvanceGrantMessage, LicenceTemplate, PermittedUses, User } from '../../../types/api' */

const COLUMNS = ['For', 'Licences', 'Uses', 'Minimums', 'Signed by', 'Expires', 'Status', 'Hash', ''];
/** @type {[keyof PermittedUses, string][]} */
const USES = [
  ['aiTraining', 'AI training'],
  ['evaluation', 'evaluation'],
  ['commercialUse', 'commercial use'],
  ['redistribution', 'redistribution'],
  ['derivativeMaps', 'derivative maps'],
];

export class AdvanceGrantsSection {
  /**
   * @param {User} user the signed-in contributor (their linked wallet, if any, may sign)
   * @param {() => Promise<void>} changed reloads what an advance grant changes (the consent requests and this list)
   */
  constructor(user, changed) {
    this.user = user;
    this.changed = changed;
    this.list = h('div', {}, statusLine('Loading advance grants…'));
    this.form = h('div', {});
    this.status = statusLine();
    this.element = h(
      'div',
      { className: 'advance-grants' },
      h('h3', {}, 'Advance grants'),
      h(
        'p',
        {},
        'Consent once for a network or a curator: drafts within these terms count as granted without asking you. Your own answer for a dataset (a decline, a withdrawal) always wins.',
      ),
      this.status,
      this.list,
      this.form,
    );
  }

  async load() {
    try {
      /** @type {AdvanceGrant[]} */
      const grants = await api('/v1/me/advance-grants');
      mount(
        this.list,
        grants.length === 0
          ? h('p', { className: 'empty' }, 'You have given no advance grants.')
          : dataTable(
              'Your advance grants',
              COLUMNS,
              grants.map((g) => this.row(g)),
              'advance-grants',
            ),
      );
      if (!this.form.firstChild) {
        /** @type {LicenceTemplate[]} */
        const licences = await api('/v1/licences');
        mount(this.form, this.createForm(licences));
      }
    } catch (error) {
      mount(this.list, errorBox(error));
    }
  }

  /** @param {AdvanceGrant} g */
  row(g) {
    const target = g.network ? `network ${g.network}` : `curator ${shorten(g.curatorId ?? '', 4)}`;
    const minimums = [
      g.minShareBps === null ? null : `share ≥ ${(g.minShareBps / 100).toFixed(2)}%`,
      g.minPriceUsdCents === null ? null : `price ≥ ${formatUsd(g.minPriceUsdCents)}`,
    ].filter(Boolean);
    return tableRow(COLUMNS, [
      target,
      g.licences.join(', '),
      USES.filter(([key]) => g.scope.permittedUses[key])
        .map(([, words]) => words)
        .join(', '),
      minimums.join('; ') || 'none',
      g.method === 'wallet' ? `wallet${g.source === 'network-batch' ? ' (via network)' : ''}` : 'session',
      formatDate(g.expiresAt),
      g.status,
      h('code', { title: g.hash }, shorten(g.hash, 8)),
      g.status === 'live'
        ? confirmButton(
            'Revoke',
            `Revoke your advance grant for ${target}? Drafts not yet cleared will ask you again.`,
            'Revoke it',
            async () => {
              await api(`/v1/me/advance-grants/${g.id}/revoke`, { method: 'POST', body: {} });
              await this.changed();
              this.status.textContent = `Revoked your advance grant for ${target}.`;
            },
            { className: 'danger', 'aria-label': `Revoke advance grant for ${target}` },
          )
        : '',
    ]);
  }

  /** @param {LicenceTemplate[]} licences */
  createForm(licences) {
    const kind = h('select', {}, h('option', { value: 'network' }, 'a network'), h('option', { value: 'curator' }, 'a curator'));
    const target = h('input', { type: 'text', maxLength: 40, placeholder: 'dimo' });
    const licenceBoxes = licences.map((l) => ({ slug: l.slug, box: h('input', { type: 'checkbox', value: l.slug }) }));
    const useBoxes = USES.map(([key, words]) => ({
      key,
      words,
      box: h('input', { type: 'checkbox', checked: key === 'aiTraining' || key === 'evaluation' }),
    }));
    const territory = h('input', { type: 'text', value: 'WORLD', maxLength: 200 });
    const minShare = h('input', { type: 'number', min: '0', max: '100', step: '0.01' });
    const minPrice = h('input', { type: 'number', min: '0', step: '0.01' });
    const days = h('input', { type: 'number', min: '1', max: '1830', value: '365' });
    const checks = (/** @type {string} */ legend, /** @type {{ box: HTMLInputElement, words: string }[]} */ boxes) =>
      h(
        'fieldset',
        {},
        h('legend', {}, legend),
        boxes.map(({ box, words }) => h('label', { className: 'check' }, box, ` ${words}`)),
      );
    const wallet = this.user.walletAddress ? walletProvider() : null;
    // The terms as the form holds them; the server adds issuedAt and the nonce.
    const terms = () => ({
      network: kind.value === 'network' ? target.value.trim() : null,
      curatorId: kind.value === 'curator' ? target.value.trim() : null,
      licences: licenceBoxes.filter(({ box }) => box.checked).map(({ slug }) => slug),
      scope: {
        permittedUses: Object.fromEntries(useBoxes.map(({ key, box }) => [key, box.checked])),
        territory: territory.value
          .split(',')
          .map((code) => code.trim().toUpperCase())
          .filter(Boolean),
      },
      minShareBps: minShare.value === '' ? null : Math.round(Number(minShare.value) * 100),
      minPriceUsdCents: minPrice.value === '' ? null : Math.round(Number(minPrice.value) * 100),
      expiresAt: new Date(Date.now() + Number(days.value) * 86_400_000).toISOString(),
    });
    return h(
      'form',
      { className: 'card advance-grant-form', 'aria-label': 'Give an advance grant' },
      h('h4', {}, 'Give an advance grant'),
      field('For', kind),
      field('Network slug or curator id', target),
      checks(
        'Licences allowed',
        licenceBoxes.map(({ slug, box }) => ({ box, words: licences.find((l) => l.slug === slug)?.name ?? slug })),
      ),
      checks('Uses allowed', useBoxes),
      field('Territory', territory, "ISO country codes separated by commas, or 'WORLD'"),
      field('Least share (%)', minShare, 'Of the contributors’ pool; empty for none'),
      field('Least price (USD)', minPrice, 'Empty for none'),
      field('Days it lasts', days),
      h(
        'div',
        { className: 'actions' },
        wallet
          ? actionButton('Sign with wallet', async () => {
              const { grant, walletMessage } = await this.prepare(terms());
              const signature = await walletSignature(wallet, walletMessage ?? '');
              await this.give({ grant, method: 'wallet', address: this.user.walletAddress, signature }, 'signed by your wallet');
            })
          : null,
        actionButton(
          wallet ? 'Grant without the wallet' : 'Grant in advance',
          async () => {
            const { grant } = await this.prepare(terms());
            await this.give({ grant, method: 'session' }, 'by your session');
          },
          { className: wallet ? 'secondary' : '' },
        ),
      ),
    );
  }

  /**
   * The exact grant to give on these terms, checked by the server, and the message the wallet signs.
   * @param {object} terms
   * @returns {Promise<AdvanceGrantMessage>}
   */
  prepare(terms) {
    return api('/v1/me/advance-grants/message', { method: 'POST', body: terms });
  }

  /**
   * @param {object} body the grant and how it is signed
   * @param {string} how
   */
  async give(body, how) {
    /** @type {AdvanceGrant} */
    const made = await api('/v1/me/advance-grants', { method: 'POST', body });
    await this.changed();
    this.status.textContent = `Granted in advance for ${made.network ? `network ${made.network}` : 'the curator'} until ${formatDate(made.expiresAt)}, ${how}.`;
  }
}
