import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserResponse } from '../../src/auth/dto/user.response.js';
import type { CaptureResponse, CreatedCaptureResponse } from '../../src/ingestion/dto/capture.response.js';
import { startBrowserApp, type BrowserApp } from '../support/browser.js';
import { auth, signUp } from '../support/checkout.js';
import { csvTelemetry } from '../support/fixtures.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Uploads left unfinished where this browser has no record of them (started by another browser or a script, or the
 * browser's storage was cleared): the captures table offers to resume them here, with the same file picked again, or to
 * discard them, which rejects the capture and frees its parts on the server at once.
 */
describe('orphaned uploads on the contributor page (browser)', () => {
  let b: BrowserApp;
  const files = mkdtempSync(join(tmpdir(), 'orphan-uploads-'));

  beforeAll(async () => {
    b = await startBrowserApp('orphan-uploads', { AUTH_RATE_LIMIT: '1000' });
  }, 120_000);

  afterAll(async () => {
    rmSync(files, { recursive: true, force: true });
    await b.close();
  });

  it('resumes one unfinished upload here with the file picked again, and discards another', async () => {
    const token = await signUp(b.t, 'driver@example.com', 'contributor');
    const user = (await b.t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as UserResponse;
    const open = async (name: string, bytes: Buffer) =>
      (
        await b.t
          .http()
          .post('/v1/captures')
          .set(auth(token))
          .send({ filename: name, sizeBytes: bytes.length, sha256: sha256(bytes) })
          .expect(201)
      ).body as CreatedCaptureResponse;
    const kept = csvTelemetry(400);
    const dropped = csvTelemetry(300);
    const resumed = await open('left-at-work.csv', kept);
    const discarded = await open('not-needed.csv', dropped);

    const page = await b.signedInPage({ accessToken: token, user }, '/contribute');
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('left-at-work.csv').getByRole('button', { name: 'Resume left-at-work.csv here' }).waitFor();
    await row('not-needed.csv').getByRole('button', { name: 'Discard the upload of not-needed.csv' }).waitFor();
    await b.screenshot(page, 'orphaned-uploads');

    // Discard: rejected on the server at once, and said so in the table.
    await row('not-needed.csv').getByRole('button', { name: 'Discard the upload of not-needed.csv' }).click();
    await row('not-needed.csv').getByText('upload_abandoned: The upload was discarded by its contributor before it was completed').waitFor();
    const gone = (await b.t.http().get(`/v1/captures/${discarded.id}`).set(auth(token)).expect(200)).body as CaptureResponse;
    expect(gone.status).toBe('rejected');
    await b.t.http().get(`/v1/captures/${discarded.id}/upload`).set(auth(token)).expect(409);

    // Resume here: an upload item; the browser has no copy of the file, so it asks for it; a different file is refused.
    await row('left-at-work.csv').getByRole('button', { name: 'Resume left-at-work.csv here' }).click();
    const item = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem').filter({ hasText: 'left-at-work.csv' });
    await item.getByText('Interrupted: 0 of 1 parts sent (0%). Resume to send the rest.').waitFor();
    expect(await row('left-at-work.csv').getByRole('button').count()).toBe(0);
    await item.getByRole('button', { name: 'Resume' }).click();
    const wrongPath = join(files, 'left-at-work.csv');
    writeFileSync(wrongPath, dropped);
    await item.getByLabel('Choose left-at-work.csv again to resume').setInputFiles(wrongPath);
    await item.getByRole('alert').filter({ hasText: 'that is not left-at-work.csv' }).waitFor();
    writeFileSync(wrongPath, kept);
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.getByLabel('Choose left-at-work.csv again to resume').setInputFiles(wrongPath);
    await item.getByText('Uploaded (100%). Ready: telemetry').waitFor({ timeout: 60_000 });
    const ready = (await b.t.http().get(`/v1/captures/${resumed.id}`).set(auth(token)).expect(200)).body as CaptureResponse;
    expect(ready).toMatchObject({ status: 'ready', sha256: sha256(kept), sizeBytes: kept.length });
    await b.screenshot(page, 'orphaned-upload-resumed');
    expect(b.pageErrors).toEqual([]);
  }, 120_000);
});
