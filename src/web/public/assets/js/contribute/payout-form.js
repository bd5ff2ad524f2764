// Where the contributor's earnings are paid: USDC to a Solana wallet, or Stripe Connect.
import { api } from '../api.js';
import { busy, field, h, on, shorten, statusLine } from '../ui.js';
/** @import { PayoutMethod, User } from '../../../types/api' */

/** @param {User} user */
export function payoutForm(user) {
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
      `For USDC. Leave empty to use the wallet you signed in with${user.walletAddress ? ` (${shorten(user.walletAddress)})` : ''}.`,
    ),
    field('Stripe Connect account', account, 'For Stripe: your account id, acct_…'),
    h('div', { className: 'actions' }, save),
    out,
  );
  return on(form, 'submit', (event) => {
    event.preventDefault();
    void busy(save, async () => {
      const body = stripe.checked
        ? { kind: 'stripe', account: account.value.trim() }
        : { kind: 'usdc', ...(wallet.value.trim() ? { wallet: wallet.value.trim() } : {}) };
      /** @type {PayoutMethod} */
      const saved = await api('/v1/me/payout-method', { method: 'PUT', body });
      out.textContent =
        saved.kind === 'stripe'
          ? `Saved: payouts go to Stripe account ${saved.account ?? ''}.`
          : `Saved: payouts go in USDC to ${saved.wallet ?? 'your sign-in wallet'}.`;
    });
  });
}
