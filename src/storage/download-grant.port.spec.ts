import { describe, expect, it } from '@jest/globals';
import { DownloadGrantChecker, DownloadGrants } from './download-grant.port.js';
import { LocalObjectUrlService } from './local-object-url.service.js';
import { StorageErrorCode } from './storage.exception.js';

class AnsweringChecker extends DownloadGrantChecker {
  constructor(private readonly answers: Record<string, string | null>) {
    super();
  }

  whyRevoked(grant: string): Promise<string | null> {
    return Promise.resolve(grant in this.answers ? this.answers[grant] : 'unknown grant');
  }
}

describe('download grants', () => {
  it('serves while the grant holds, refuses with the reason once it does not, and refuses a grant nothing can check', async () => {
    const grants = new DownloadGrants();
    await expect(grants.assertHolds('order-1')).rejects.toMatchObject({ code: StorageErrorCode.URL_REVOKED });
    grants.use(new AnsweringChecker({ 'order-1': null, 'order-2': 'the licence was revoked (refund)' }));
    await expect(grants.assertHolds('order-1')).resolves.toBeUndefined();
    await expect(grants.assertHolds('order-2')).rejects.toMatchObject({
      code: StorageErrorCode.URL_REVOKED,
      message: 'This download URL no longer works: the licence was revoked (refund)',
    });
  });

  it('signs the grant into a local download URL, so it can be neither dropped nor swapped', () => {
    const urls = new LocalObjectUrlService('a-secret-of-thirty-two-characters-or-more', 'http://marketplace.test');
    const token =
      urls
        .downloadUrl({ key: 'captures/a/b.csv', exp: urls.expiresIn(60), grant: 'entitlement:user' })
        .split('/')
        .pop() ?? '';
    expect(urls.verifyDownload(token)).toMatchObject({ key: 'captures/a/b.csv', grant: 'entitlement:user' });
    const [payload, signature] = token.split('.');
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const forged of [{ ...claim, grant: 'someone-else:user' }, Object.fromEntries(Object.entries(claim).filter(([key]) => key !== 'grant'))]) {
      const swapped = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
      expect(() => urls.verifyDownload(swapped)).toThrow(expect.objectContaining({ code: StorageErrorCode.URL_INVALID }));
    }
  });
});
