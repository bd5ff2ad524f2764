import type { ConsentRecordResponse, ConsentRequestResponse } from '../../src/consent/dto/consent.response.js';
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
