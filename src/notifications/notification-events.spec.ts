import {
  consentWithdrawnEmail,
  consentWithdrawnEvent,
  emailRetryDelaySeconds,
  eventId,
  retryDelaySeconds,
  WEBHOOK_MAX_ATTEMPTS,
} from './notification-events.js';

const data = {
  orderId: 'o-1',
  organisationId: null,
  datasetId: 'd-1',
  datasetTitle: 'Drives',
  version: 1,
  captureIds: ['c-1'],
  paths: ['captures/c-1/drive.nmea'],
  withdrawnAt: '2026-12-03T05:00:00.000Z',
  reason: 'The contributor withdrew their consent to the use of these captures.',
};

describe('notification events', () => {
  it('gives one withdrawal x one order one stable id, another order another', () => {
    const event = consentWithdrawnEvent('r-1', data);
    expect(event).toEqual({
      id: eventId('order.consent_withdrawn', 'r-1', 'o-1'),
      object: 'event',
      type: 'order.consent_withdrawn',
      created: 1_796_274_000,
      data,
    });
    expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(consentWithdrawnEvent('r-1', data).id).toBe(event.id);
    expect(consentWithdrawnEvent('r-1', { ...data, orderId: 'o-2' }).id).not.toBe(event.id);
  });

  it('words the e-mail with the fixed reason, the files and the order page', () => {
    const mail = consentWithdrawnEmail(consentWithdrawnEvent('r-1', data), 'https://m.example/orders/o-1');
    expect(mail.subject).toBe('Consent withdrawn for 1 file of your order of Drives');
    expect(mail.text).toContain('  - captures/c-1/drive.nmea');
    expect(mail.text).toContain('https://m.example/orders/o-1');
    expect(mail.text.startsWith(data.reason)).toBe(true);
  });

  it('retries webhooks with growing delays over about three days, then gives up', () => {
    const delays = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1) as number);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(3 * 86_400);
    expect(total).toBeLessThan(3.5 * 86_400);
    expect(retryDelaySeconds(WEBHOOK_MAX_ATTEMPTS)).toBeNull();
    expect(emailRetryDelaySeconds(1)).toBe(60);
    expect(emailRetryDelaySeconds(8)).toBeNull();
  });
});
