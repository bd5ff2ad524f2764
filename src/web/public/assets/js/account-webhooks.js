// @ts-check
// The account page's "Webhooks" section: a buyer's endpoints for signed events about their orders (issue 16). Add one
// (its signing secret shown once), list them, see each one's recent deliveries with every attempt, enable one that was
// disabled for failing, replace a signing secret, delete one.
import { api, query } from './api.js';
import { busy, confirmButton, dataTable, errorBox, field, formatDate, h, mount, on, tableRow } from './ui.js';
/** @import { OrganisationSummary, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreated } from '../../types/api' */

const ENDPOINT_COLUMNS = ['Endpoint', 'Events', 'Description', 'State', 'Created', ''];
const DELIVERY_COLUMNS = ['Sent', 'Event', 'Status', 'Attempts', 'Last answer', 'Next attempt'];
const DELIVERY_BADGE = { delivered: 'ok', pending: 'warn', failed: 'bad' };
const EVENT_WORDS = {
  'order.consent_withdrawn': 'Consent withdrawn from files you bought',
  'order.paid': 'Order paid',
  'order.fulfilled': 'Order first downloaded',
  'subscription.invoice': 'Area subscription invoiced (or skipped over its cap)',
};

/**
 * What the endpoint answered the last time, in a few words.
 * @param {WebhookDelivery} delivery
 */
function lastAnswer(delivery) {
  const last = delivery.attempts.at(-1);
  if (!last) return 'not sent yet';
  return last.statusCode === null ? (last.error ?? 'no answer') : `HTTP ${last.statusCode} in ${last.durationMs} ms`;
}

/**
 * The recent deliveries to one endpoint.
 * @param {WebhookEndpoint} endpoint
 */
async function deliveriesPanel(endpoint) {
  /** @type {WebhookDelivery[]} */
  const deliveries = await api(`/v1/me/webhooks/${endpoint.id}/deliveries${query({ limit: 20 })}`);
  return h(
    'div',
    { className: 'webhook-deliveries', role: 'group', 'aria-label': `Deliveries to ${endpoint.url}` },
    h('h3', {}, 'Recent deliveries to ', h('code', {}, endpoint.url)),
    deliveries.length === 0
      ? h('p', { className: 'status' }, 'No deliveries yet: events are sent when something happens to one of your orders.')
      : dataTable(
          `Deliveries to ${endpoint.url}`,
          DELIVERY_COLUMNS,
          deliveries.map((delivery) =>
            tableRow(
              DELIVERY_COLUMNS,
              [
                formatDate(delivery.createdAt),
                [EVENT_WORDS[delivery.eventType], h('div', {}, h('code', {}, delivery.eventId))],
                h('span', { className: `badge ${DELIVERY_BADGE[delivery.status]}` }, delivery.status),
                String(delivery.attempts.length),
                lastAnswer(delivery),
                delivery.status === 'pending' ? formatDate(delivery.nextAttemptAt) : '',
              ],
              { 'data-delivery-id': delivery.id },
            ),
          ),
          'deliveries',
        ),
  );
}

/** The Webhooks section of the account page. */
export function webhooksSection() {
  const slot = h('div', {});
  const log = h('div', { 'aria-live': 'polite' });
  const created = h('div', { className: 'new-key', 'aria-live': 'polite' });
  const url = h('input', { type: 'url', required: true, maxLength: 2048, placeholder: 'https://hooks.example.com/depai' });
  const description = h('input', { type: 'text', maxLength: 500, placeholder: 'Training pipeline' });
  const organisation = h('select', {}, h('option', { value: '' }, 'Only my own orders'));
  /**
   * A secret as it is shown: once, to copy.
   * @param {WebhookEndpointCreated} endpoint
   * @param {string} words
   */
  const showSecret = (endpoint, words) => {
    mount(
      created,
      h('p', {}, `${words} ${endpoint.url}. Copy it now: it is shown only once. Check each event's Depai-Signature header with it.`),
      h('input', { type: 'text', readonly: true, value: endpoint.secret, 'aria-label': 'New webhook signing secret', className: 'secret' }),
    );
    // Shown below the form: brought into view for a reader who asked for it from a row further up.
    created.scrollIntoView({ block: 'nearest' });
  };
  /**
   * The list redrawn, then the secret shown (shown even when the redraw fails): a secret on screen means the list
   * beside it is current, so nothing the reader starts on a row (a confirmation) is wiped by a redraw still on its way.
   * @param {WebhookEndpointCreated} endpoint
   * @param {string} words
   */
  const drawThenShow = async (endpoint, words) => {
    try {
      await draw();
    } finally {
      showSecret(endpoint, words);
    }
  };
  const draw = async () => {
    /** @type {WebhookEndpoint[]} */
    const endpoints = await api('/v1/me/webhooks');
    mount(
      slot,
      endpoints.length === 0
        ? h('p', { className: 'status' }, 'No webhook endpoints yet.')
        : dataTable(
            'Your webhook endpoints',
            ENDPOINT_COLUMNS,
            endpoints.map((endpoint) => {
              const show = h('button', { type: 'button', className: 'secondary', 'aria-label': `Deliveries to ${endpoint.url}` }, 'Deliveries');
              on(show, 'click', () => {
                void busy(show, async () => {
                  mount(log, await deliveriesPanel(endpoint));
                });
              });
              // A disabled endpoint can be enabled again once its receiver is mended: its held deliveries go out then.
              const enable =
                endpoint.status === 'disabled' ? h('button', { type: 'button', 'aria-label': `Enable ${endpoint.url} again` }, 'Enable again') : null;
              if (enable)
                on(enable, 'click', () => {
                  void busy(enable, async () => {
                    await api(`/v1/me/webhooks/${endpoint.id}/enable`, { method: 'POST' });
                    await draw();
                  });
                });
              const rotate = confirmButton(
                'New secret',
                `Replace the signing secret of ${endpoint.url}? Every event from now on is signed with the new one only.`,
                'Yes, replace it',
                async () => {
                  /** @type {WebhookEndpointCreated} */
                  const rotated = await api(`/v1/me/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST' });
                  await drawThenShow(rotated, 'The new signing secret of');
                },
                { className: 'secondary', 'aria-label': `New signing secret for ${endpoint.url}` },
              );
              return tableRow(
                ENDPOINT_COLUMNS,
                [
                  h('code', { className: 'webhook-url' }, endpoint.url),
                  endpoint.events.map((event) => h('div', {}, EVENT_WORDS[event])),
                  endpoint.description ?? '',
                  [
                    h('span', { className: `badge ${endpoint.status === 'enabled' ? 'ok' : 'bad'}` }, endpoint.status),
                    endpoint.disabledReason ? ` ${endpoint.disabledReason}` : '',
                    endpoint.consecutiveFailures > 0
                      ? h('div', {}, `${endpoint.consecutiveFailures} failed attempt${endpoint.consecutiveFailures === 1 ? '' : 's'} in a row`)
                      : null,
                  ],
                  formatDate(endpoint.createdAt),
                  h(
                    'span',
                    { className: 'links' },
                    enable,
                    enable ? ' ' : null,
                    show,
                    ' ',
                    rotate,
                    ' ',
                    confirmButton(
                      'Delete',
                      `Delete the endpoint ${endpoint.url}? It receives no more events, and its delivery log goes with it.`,
                      'Yes, delete',
                      async () => {
                        await api(`/v1/me/webhooks/${endpoint.id}`, { method: 'DELETE' });
                        created.replaceChildren();
                        log.replaceChildren();
                        await draw();
                      },
                      { className: 'secondary', 'aria-label': `Delete ${endpoint.url}` },
                    ),
                  ),
                ],
                { 'data-webhook-id': endpoint.id },
              );
            }),
            'webhooks',
          ),
    );
  };
  const form = h(
    'form',
    { className: 'inline-form' },
    field('Endpoint URL', url),
    field('Description', description),
    field('Events of', organisation),
    h('button', { type: 'submit' }, 'Add endpoint'),
  );
  on(form, 'submit', (event) => {
    event.preventDefault();
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    void busy(submit, async () => {
      const text = description.value.trim();
      /** @type {WebhookEndpointCreated} */
      const endpoint = await api('/v1/me/webhooks', {
        method: 'POST',
        body: {
          url: url.value.trim(),
          ...(text ? { description: text } : {}),
          ...(organisation.value ? { organisationId: organisation.value } : {}),
        },
      });
      url.value = '';
      description.value = '';
      await drawThenShow(endpoint, 'The signing secret of');
    });
  });
  // Owners and admins of an organisation may also hear of its orders.
  void (
    /** @type {Promise<OrganisationSummary[]>} */ (api('/v1/organisations')).then(
      (organisations) => {
        organisation.append(
          ...organisations
            .filter((o) => o.role === 'owner' || o.role === 'admin')
            .map((o) => h('option', { value: o.id }, `My own and ${o.name}'s orders`)),
        );
      },
      () => undefined,
    )
  );
  void draw().catch((/** @type {unknown} */ error) => {
    slot.replaceChildren(errorBox(error));
  });
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'webhooks-heading' },
    h('h2', { id: 'webhooks-heading' }, 'Webhooks'),
    h(
      'p',
      { className: 'hint' },
      'Signed events about your orders, sent to your HTTPS endpoint: when one is paid, when it is first downloaded, and when a contributor withdraws consent to files you bought. ',
      'Each carries a Depai-Signature header (HMAC-SHA256 with the endpoint’s secret); failed deliveries are retried for about three days.',
    ),
    slot,
    log,
    form,
    created,
  );
}
