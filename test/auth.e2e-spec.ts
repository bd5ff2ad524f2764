import { createHmac, randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import type { Response } from 'supertest';
import type { ApiKeyCreatedResponse, ApiKeyResponse } from '../src/auth/dto/api-key.dto.js';
import type { AuthTokenResponse, UserPageResponse, UserResponse } from '../src/auth/dto/user.response.js';
import type { WalletChallengeResponse } from '../src/auth/dto/wallet.dto.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { testWallet } from './support/wallet.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const session = (res: Response) => res.body as AuthTokenResponse;
const failure = (res: Response) => res.body as ErrorBody;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT signed by hand as RFC 7515 says (HMAC-SHA256 keyed by the secret's bytes), valid for ten minutes. */
function hs256(claims: object, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const signed = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 600 })}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}
/** The same claims with `alg: none` and no signature. */
function unsigned(claims: object): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 600 })}.`;
}

describe('accounts and sign-in (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  const register = (email: string, role = 'buyer', password = 'a-long-password') =>
    t.http().post('/v1/auth/register').send({ email, password, role });

  describe('email and password', () => {
    it('re-hashes a password made with other argon2 costs at its next sign-in, once', async () => {
      const created = await register('old-hash@example.com').expect(201);
      const id = session(created).user.id;
      // As a hash stored before PASSWORD_HASH_* changed: the same password at other costs.
      const older = await argon2.hash('a-long-password', { type: argon2.argon2id, memoryCost: 2048, timeCost: 2 });
      await t.sql(`UPDATE users SET password_hash = $2 WHERE id = $1`, [id, older]);

      await t.http().post('/v1/auth/login').send({ email: 'old-hash@example.com', password: 'a-long-password' }).expect(200);
      const [{ password_hash: renewed }] = await t.sql<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = $1`, [id]);
      expect(renewed).toMatch(/^\$argon2id\$v=19\$m=1024,p=4,t=1\$/);
      expect(await argon2.verify(renewed, 'a-long-password')).toBe(true);

      // A wrong password changes nothing; the renewed hash is kept at the next sign-in.
      await t.http().post('/v1/auth/login').send({ email: 'old-hash@example.com', password: 'a-wrong-password' }).expect(401);
      await t.http().post('/v1/auth/login').send({ email: 'old-hash@example.com', password: 'a-long-password' }).expect(200);
      const [{ password_hash: kept }] = await t.sql<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = $1`, [id]);
      expect(kept).toBe(renewed);
    });

    it('registers, then logs in with the same credentials', async () => {
      const created = await register('Ada@Example.com', 'contributor').expect(201);
      expect(session(created).user).toEqual(expect.objectContaining({ email: 'ada@example.com', role: 'contributor', walletAddress: null }));
      expect(session(created).user).not.toHaveProperty('passwordHash');
      expect(session(created).tokenType).toBe('Bearer');

      const login = await t.http().post('/v1/auth/login').send({ email: 'ada@example.com', password: 'a-long-password' }).expect(200);
      expect(session(login).user.id).toBe(session(created).user.id);

      const me = await t
        .http()
        .get('/v1/auth/me')
        .set('Authorization', `Bearer ${session(login).accessToken}`)
        .expect(200);
      expect(me.body).toEqual(expect.objectContaining({ id: session(created).user.id, role: 'contributor' }));
    });

    it('stores an argon2id hash, never the password', async () => {
      await register('hash@example.com').expect(201);
      const [row] = await t.sql<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'hash@example.com'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain('a-long-password');
    });

    it('answers 401 for a wrong password and for an unknown email, with the same message', async () => {
      await register('grace@example.com').expect(201);
      const wrong = await t.http().post('/v1/auth/login').send({ email: 'grace@example.com', password: 'not-the-password' }).expect(401);
      const unknown = await t.http().post('/v1/auth/login').send({ email: 'nobody@example.com', password: 'not-the-password' }).expect(401);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'AUTH_INVALID_CREDENTIALS', message: 'Wrong email or password' });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('answers 409 for an email already registered, whatever its case, and keeps the first account', async () => {
      const first = await register('linus@example.com').expect(201);
      const again = await register('LINUS@example.com', 'contributor', 'another-password').expect(409);
      expect(failure(again).code).toBe('AUTH_EMAIL_TAKEN');
      const login = await t.http().post('/v1/auth/login').send({ email: 'linus@example.com', password: 'a-long-password' }).expect(200);
      expect(session(login).user).toEqual(expect.objectContaining({ id: session(first).user.id, role: 'buyer' }));
    });

    it('answers 400 naming the field for a malformed body', async () => {
      const res = await t.http().post('/v1/auth/register').send({ email: 'not-an-email', password: 'a-long-password', role: 'buyer' }).expect(400);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' }));
      expect(failure(res).message).toContain('email must be an email');

      const short = await t.http().post('/v1/auth/register').send({ email: 'x@example.com', password: 'short', role: 'buyer' }).expect(400);
      expect(failure(short).message).toContain('password must be at least 12 characters');
    });

    it('answers 400 for an unknown property, and refuses to self-register as admin', async () => {
      const extra = await t
        .http()
        .post('/v1/auth/register')
        .send({ email: 'y@example.com', password: 'a-long-password', role: 'buyer', isAdmin: true })
        .expect(400);
      expect(failure(extra).message).toContain('property isAdmin should not exist');
      const admin = await register('z@example.com', 'admin').expect(400);
      expect(failure(admin).message).toContain('role must be one of the following values: buyer, contributor');
      const rows = await t.sql(`SELECT 1 FROM users WHERE email IN ('y@example.com', 'z@example.com')`);
      expect(rows).toHaveLength(0);
    });

    it('answers 401 for a missing, forged or tampered token', async () => {
      await t.http().get('/v1/auth/me').expect(401);
      const body = session(await register('eve@example.com').expect(201));
      const [header, payload, signature] = body.accessToken.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString(
        'base64url',
      );
      const res = await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${header}.${forgedPayload}.${signature}`).expect(401);
      expect(failure(res).code).toBe('AUTH_UNAUTHENTICATED');
      // Signed with another secret, or not signed at all (alg none): refused.
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; role: string };
      for (const token of [
        hs256({ sub: claims.sub, role: 'admin' }, randomBytes(32).toString('hex')),
        unsigned({ sub: claims.sub, role: 'admin' }),
      ]) {
        const refused = await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
        expect(failure(refused).code).toBe('AUTH_UNAUTHENTICATED');
      }
    });

    it('accepts a token signed with JWT_SECRET as a string, as tokens issued before the secret became a KeyObject were', async () => {
      const body = session(await register('mallory@example.com').expect(201));
      const claims = JSON.parse(Buffer.from(body.accessToken.split('.')[1], 'base64url').toString()) as { sub: string; role: string };
      const secret = t.config.JWT_SECRET;
      if (secret === undefined) throw new Error('the test app sets JWT_SECRET');
      const token = hs256({ sub: claims.sub, role: claims.role }, secret);
      const me = await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect((me.body as { email: string }).email).toBe('mallory@example.com');
    });
  });

  describe('roles', () => {
    it('creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, who may use admin routes', async () => {
      const login = await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200);
      expect(session(login).user.role).toBe('admin');
      const page = await t
        .http()
        .get('/v1/admin/users?limit=2')
        .set('Authorization', `Bearer ${session(login).accessToken}`)
        .expect(200);
      const first = page.body as UserPageResponse;
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const next = await t
        .http()
        .get(`/v1/admin/users?limit=2&cursor=${first.nextCursor ?? ''}`)
        .set('Authorization', `Bearer ${session(login).accessToken}`)
        .expect(200);
      expect((next.body as UserPageResponse).items[0].id).not.toBe(first.items[1].id);
    });

    it('answers 403 with a reason when a buyer or contributor calls an admin route', async () => {
      for (const role of ['buyer', 'contributor']) {
        const body = session(await register(`${role}-403@example.com`, role).expect(201));
        const res = await t.http().get('/v1/admin/users').set('Authorization', `Bearer ${body.accessToken}`).expect(403);
        expect(res.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          code: 'AUTH_FORBIDDEN_ROLE',
          message: `This route is for admin accounts; you are signed in as ${role}`,
        });
      }
    });
  });

  describe('API keys', () => {
    it('creates a key shown once, authenticates with it, records last use, and revokes it', async () => {
      const buyer = session(await register('pipeline@example.com').expect(201));
      const auth = { Authorization: `Bearer ${buyer.accessToken}` };

      const created = (await t.http().post('/v1/api-keys').set(auth).send({ name: 'training-pipeline' }).expect(201)).body as ApiKeyCreatedResponse;
      expect(created.key).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
      expect(created.key.startsWith(created.prefix)).toBe(true);

      const listed = (await t.http().get('/v1/api-keys').set(auth).expect(200)).body as ApiKeyResponse[];
      expect(listed).toEqual([expect.objectContaining({ id: created.id, name: 'training-pipeline', lastUsedAt: null, revokedAt: null })]);
      expect(listed[0]).not.toHaveProperty('key');
      const [stored] = await t.sql<{ key_hash: string }>(`SELECT key_hash FROM api_keys WHERE id = $1`, [created.id]);
      expect(stored.key_hash).not.toContain(created.key);

      const me = await t.http().get('/v1/auth/me').set('X-API-Key', created.key).expect(200);
      expect((me.body as UserResponse).id).toBe(buyer.user.id);
      const used = (await t.http().get('/v1/api-keys').set(auth).expect(200)).body as ApiKeyResponse[];
      expect(new Date(used[0].lastUsedAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 60_000);

      await t.http().delete(`/v1/api-keys/${created.id}`).set(auth).expect(204);
      const revoked = await t.http().get('/v1/auth/me').set('X-API-Key', created.key).expect(401);
      expect(failure(revoked).code).toBe('AUTH_UNAUTHENTICATED');
    });

    it('refuses unknown keys, and keys of contributors', async () => {
      await t.http().get('/v1/auth/me').set('X-API-Key', 'mk_not-a-real-key-at-all-000000000000000000000').expect(401);
      const body = session(await register('maker@example.com', 'contributor').expect(201));
      const res = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${body.accessToken}`).send({}).expect(403);
      expect(failure(res).code).toBe('AUTH_FORBIDDEN_ROLE');
    });

    it("answers 404 for another user's key and leaves it working", async () => {
      const owner = session(await register('owner@example.com').expect(201));
      const other = session(await register('other@example.com').expect(201));
      const key = (await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${owner.accessToken}`).send({}).expect(201))
        .body as ApiKeyCreatedResponse;

      const res = await t.http().delete(`/v1/api-keys/${key.id}`).set('Authorization', `Bearer ${other.accessToken}`).expect(404);
      expect(failure(res).code).toBe('AUTH_API_KEY_NOT_FOUND');
      const othersList = await t.http().get('/v1/api-keys').set('Authorization', `Bearer ${other.accessToken}`).expect(200);
      expect(othersList.body).toEqual([]);
      await t.http().get('/v1/auth/me').set('X-API-Key', key.key).expect(200);
      await t.http().delete('/v1/api-keys/not-a-uuid').set('Authorization', `Bearer ${owner.accessToken}`).expect(400);
    });
  });

  describe('Solana wallet sign-in', () => {
    const challenge = (address: string) => t.http().post('/v1/auth/wallet/challenge').send({ address });

    it('signs in with a valid signature, once, and finds the same account next time', async () => {
      const wallet = testWallet();
      const issued = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      expect(issued.message).toContain(wallet.address);
      expect(issued.message).toContain(`Nonce: ${issued.nonce}`);

      const verify = { address: wallet.address, message: issued.message, signature: wallet.sign(issued.message) };
      const first = await t.http().post('/v1/auth/wallet/verify').send(verify).expect(200);
      expect(session(first).user).toEqual(expect.objectContaining({ walletAddress: wallet.address, role: 'contributor', email: null }));
      await t
        .http()
        .get('/v1/auth/me')
        .set('Authorization', `Bearer ${session(first).accessToken}`)
        .expect(200);

      const replay = await t.http().post('/v1/auth/wallet/verify').send(verify).expect(401);
      expect(failure(replay).code).toBe('AUTH_CHALLENGE_USED');

      const again = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      const second = await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: again.message, signature: wallet.sign(again.message) })
        .expect(200);
      expect(session(second).user.id).toBe(session(first).user.id);
    });

    it('answers 401 for a signature by another key, and the challenge stays usable by its owner', async () => {
      const wallet = testWallet();
      const thief = testWallet();
      const issued = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      const res = await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: issued.message, signature: thief.sign(issued.message) })
        .expect(401);
      expect(failure(res).code).toBe('AUTH_INVALID_WALLET_SIGNATURE');
      await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: issued.message, signature: wallet.sign(issued.message) })
        .expect(200);
    });

    it('answers 401 for a message altered after issue, or a challenge presented for another address', async () => {
      const wallet = testWallet();
      const issued = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      const altered = issued.message.replace('Version: 1', 'Version: 2');
      const res = await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: altered, signature: wallet.sign(altered) })
        .expect(401);
      expect(failure(res).code).toBe('AUTH_CHALLENGE_INVALID');

      const other = testWallet();
      await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: other.address, message: issued.message, signature: other.sign(issued.message) })
        .expect(401);
    });

    it('answers 401 for an expired challenge', async () => {
      const wallet = testWallet();
      const issued = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      await t.sql(`UPDATE wallet_challenges SET expires_at = now() - interval '1 second' WHERE nonce = $1`, [issued.nonce]);
      const res = await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: issued.message, signature: wallet.sign(issued.message) })
        .expect(401);
      expect(failure(res).code).toBe('AUTH_CHALLENGE_EXPIRED');
    });

    it('answers 400 for an address that is not a Solana public key', async () => {
      const res = await challenge('0x52908400098527886E0F7030069857D2E4169EE7').expect(400);
      expect(failure(res).code).toBe('AUTH_INVALID_WALLET_ADDRESS');
    });

    it('lets a buyer wallet choose its role on first sign-in', async () => {
      const wallet = testWallet();
      const issued = (await challenge(wallet.address).expect(200)).body as WalletChallengeResponse;
      const res = await t
        .http()
        .post('/v1/auth/wallet/verify')
        .send({ address: wallet.address, message: issued.message, signature: wallet.sign(issued.message), role: 'buyer' })
        .expect(200);
      expect(session(res).user.role).toBe('buyer');
    });
  });
});
