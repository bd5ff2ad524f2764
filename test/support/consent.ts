import type { AuthUser } from '../../src/auth/auth-user.js';
import type { ConsentRecordResponse, ConsentRequestResponse } from '../../src/consent/dto/consent.response.js';
import { GrantConsentDto } from '../../src/consent/dto/grant-consent.dto.js';
import type { ConsentGrantService } from '../../src/consent/services/consent-grant.service.js';
import type { TestApp } from './test-app.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The contributor grants the draft's request with their session, as the dashboard's "Grant" button does. */
export async function grantWithSession(t: TestApp, token: string, datasetId: string): Promise<ConsentRecordResponse> {
  const request = (await t.http().get(`/v1/datasets/${datasetId}/consent-request`).set(bearer(token)).expect(200)).body as ConsentRequestResponse;
  return (
    await t.http().post(`/v1/datasets/${datasetId}/consent/grants`).set(bearer(token)).send({ grant: request.grant, method: 'session' }).expect(201)
  ).body as ConsentRecordResponse;
}

/** Every contributor (by token) whose captures the draft holds grants with their session. */
export async function grantAll(t: TestApp, tokens: readonly string[], datasetId: string): Promise<void> {
  for (const token of tokens) await grantWithSession(t, token, datasetId);
}

interface TestWallet {
  address: string;
  sign: (message: string) => string;
}

/** Signs in with the wallet (challenge, signature, verify), as a network member does; answers the access token. */
export async function walletSignIn(t: TestApp, wallet: TestWallet): Promise<string> {
  const { message } = (await t.http().post('/v1/auth/wallet/challenge').send({ address: wallet.address }).expect(200)).body as { message: string };
  const res = await t
    .http()
    .post('/v1/auth/wallet/verify')
    .send({ address: wallet.address, message, signature: wallet.sign(message) })
    .expect(200);
  return (res.body as { accessToken: string }).accessToken;
}

/** The wallet's owner grants the draft's request with an Ed25519 signature over the consent message. */
export async function grantWithWallet(t: TestApp, token: string, wallet: TestWallet, datasetId: string): Promise<ConsentRecordResponse> {
  const request = (await t.http().get(`/v1/datasets/${datasetId}/consent-request`).set(bearer(token)).expect(200)).body as ConsentRequestResponse;
  const message = request.walletMessage ?? '';
  return (
    await t
      .http()
      .post(`/v1/datasets/${datasetId}/consent/grants`)
      .set(bearer(token))
      .send({ grant: request.grant, method: 'wallet', address: wallet.address, signature: wallet.sign(message) })
      .expect(201)
  ).body as ConsentRecordResponse;
}

/** As grantAll, through ConsentGrantService without HTTP (for specs that run the services alone). */
export async function grantAllByService(grants: ConsentGrantService, users: readonly AuthUser[], datasetId: string): Promise<void> {
  for (const user of users) {
    const request = await grants.request(user, datasetId);
    await grants.grant(user, datasetId, Object.assign(new GrantConsentDto(), { grant: request.grant, method: 'session' }));
  }
}
