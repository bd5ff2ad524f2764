import type { Plain } from '../../src/common/plain.js';
import type { AdvanceGrantResponse } from '../../src/consent/dto/advance-grant.dto.js';
import { verifyWalletSignature } from '../../src/auth/wallet-signature.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { readyCapture } from '../support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from '../support/checkout.js';
import { walletSignIn } from '../support/consent.js';
import { nmeaLog } from '../support/fixtures.js';
import { testWallet } from '../support/wallet.js';

/**
 * Advance grants on the contributor's consent page (issue 16), in Chromium: an e-mail contributor gives an advance grant
 * for a network and one for a curator with their session; the curator's draft of their capture then shows as covered,
 * without a request to answer; revoking the curator grant puts the draft back to waiting for them. A wallet contributor
 * gives one signed by the wallet in the page, over the exact message the server handed out.
 */
describe('advance grants (browser)', () => {
  let b: BrowserApp;
  let admin: string;
  let adminId: string;
  let carol: string;

  beforeAll(async () => {
    b = await startBrowserApp('advance-grants', { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000' });
    admin = await logIn(b.t, TEST_ADMIN.email, TEST_ADMIN.password);
    adminId = ((await b.t.http().get('/v1/auth/me').set(auth(admin)).expect(200)).body as { id: string }).id;
    await b.t.http().post('/v1/admin/networks').set(auth(admin)).send({ slug: 'dimo', name: 'DIMO', publicKey: testWallet().address }).expect(201);
    carol = await signUp(b.t, 'carol@example.com', 'contributor');
    const capture = (await readyCapture(b.t, carol, nmeaLog(30), 'carol.nmea')).id;
    const licences = (await b.t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    await b.t
      .http()
      .post('/v1/datasets')
      .set(auth(admin))
      .send({
        title: 'Karst roads, curated',
        description: 'One contributor, one curator.',
        captureIds: [capture],
        licenceTemplateId: licences.find((l) => l.slug === 'commercial-ai-training')?.id,
        priceUsdCents: 30_000,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);
  }, 180_000);

  afterAll(async () => {
    await b.close();
  });

  it('lists, gives (session) and revokes advance grants; a covered draft needs no answer', async () => {
    const page = await b.newPage();
    await page.goto('/contribute');
    await page.getByLabel('Email').fill('carol@example.com');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('You have given no advance grants.').waitFor();
    const card = page.getByRole('article', { name: 'Consent request: Karst roads, curated' });
    await card.getByText('waiting for you').waitFor();

    const form = page.getByRole('form', { name: 'Give an advance grant' });
    const give = async (kind: 'network' | 'curator', target: string, done: string) => {
      await form.getByLabel('For', { exact: true }).selectOption(kind);
      await form.getByLabel('Network slug or curator id').fill(target);
      await form.getByLabel('Commercial AI training', { exact: true }).check();
      await form.getByLabel('commercial use', { exact: true }).check();
      await form.getByLabel('derivative maps', { exact: true }).check();
      await form.getByLabel('Least share (%)').fill('10');
      await form.getByRole('button', { name: 'Grant in advance' }).click();
      await page.getByRole('status').filter({ hasText: done }).waitFor();
    };
    await give('network', 'dimo', 'Granted in advance for network dimo');
    // Carol uploaded the capture herself: a grant for the network's captures does not cover it, and the card says so.
    await card.getByText(/did not come in through network dimo/).waitFor();
    await b.screenshot(page, 'network-grant');
    await give('curator', adminId, 'Granted in advance for the curator');

    const table = page.getByRole('table', { name: 'Your advance grants' });
    expect(await table.getByRole('row').count()).toBe(3);
    expect(await table.getByText('network dimo', { exact: true }).count()).toBe(1);
    expect(await table.getByText('share ≥ 10.00%').count()).toBe(2);
    // The curator's draft is within the curator grant: covered, nothing to grant (declining still wins).
    await card.getByText(/^covered by your advance grant/).waitFor();
    expect(await card.getByRole('button', { name: 'Grant Karst roads, curated' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: 'Decline Karst roads, curated' }).count()).toBe(1);
    await b.screenshot(page, 'draft-covered');

    const curatorLabel = `Revoke advance grant for curator ${adminId.slice(0, 4)}…${adminId.slice(-4)}`;
    await table.getByRole('button', { name: curatorLabel }).click();
    await table.getByRole('button', { name: 'Revoke it' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked your advance grant for curator' }).waitFor();
    await card.getByText('waiting for you').waitFor();
    expect(await table.getByText('revoked', { exact: true }).count()).toBe(1);
    await b.screenshot(page, 'curator-grant-revoked');

    const grants = (await b.t.http().get('/v1/me/advance-grants').set(auth(carol)).expect(200)).body as Plain<AdvanceGrantResponse>[];
    expect(grants.map((g) => [g.network ?? g.curatorId, g.method, g.status])).toEqual([
      [adminId, 'session', 'revoked'],
      ['dimo', 'session', 'live'],
    ]);
    expect(grants[1].licences).toEqual(['commercial-ai-training']);
    expect(grants[1].scope.permittedUses).toEqual({
      aiTraining: true,
      evaluation: true,
      commercialUse: true,
      redistribution: false,
      derivativeMaps: true,
    });
    expect(b.pageErrors).toEqual([]);
  });

  it('a wallet contributor signs an advance grant with the wallet in the page', async () => {
    const wallet = testWallet();
    const dan = await walletSignIn(b.t, wallet);
    const page = await b.newPage({ wallet });
    await page.goto('/contribute');
    await page.getByRole('button', { name: 'Sign in with Solana wallet' }).click();
    await page.getByText('You have given no advance grants.').waitFor();
    const form = page.getByRole('form', { name: 'Give an advance grant' });
    // With a linked wallet in the browser the wallet signs; the session remains the other way. The form mounts after
    // the list (it waits for the licences), so wait for it rather than count at once.
    await form.getByRole('button', { name: 'Grant without the wallet' }).waitFor();
    expect(await form.getByRole('button', { name: 'Grant in advance' }).count()).toBe(0);
    await form.getByLabel('For', { exact: true }).selectOption('network');
    await form.getByLabel('Network slug or curator id').fill('dimo');
    await form.getByLabel('Commercial AI training', { exact: true }).check();
    await form.getByLabel('Least price (USD)').fill('150');
    await form.getByRole('button', { name: 'Sign with wallet' }).click();
    await page.getByRole('status').filter({ hasText: 'Granted in advance for network dimo' }).filter({ hasText: 'signed by your wallet' }).waitFor();
    const table = page.getByRole('table', { name: 'Your advance grants' });
    await table.getByText('price ≥ $150.00').waitFor();
    expect(await table.getByText('wallet', { exact: true }).count()).toBe(1);
    await b.screenshot(page, 'wallet-grant');

    const [grant] = (await b.t.http().get('/v1/me/advance-grants').set(auth(dan)).expect(200)).body as Plain<AdvanceGrantResponse>[];
    expect(grant).toMatchObject({ network: 'dimo', method: 'wallet', signer: wallet.address, minPriceUsdCents: 15_000, status: 'live' });
    const [row] = await b.t.sql<{ signature: string; message: string }>(`SELECT signature, message FROM advance_grants WHERE id = $1`, [grant.id]);
    expect(row.message).toBe(grant.message);
    expect(verifyWalletSignature(wallet.address, row.message, row.signature)).toBe(true);
    expect(b.pageErrors).toEqual([]);
  });
});
