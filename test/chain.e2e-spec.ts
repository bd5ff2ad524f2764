import { randomBytes } from 'node:crypto';
import { generateKeyPairSigner, getBase58Decoder } from '@solana/kit';
import { encodeURL, findReference, validateTransfer } from '@solana/pay';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import type { ChainMemoResponse } from '../src/chain/dto/chain-memo.dto.js';
import type { DevPaymentResponse } from '../src/chain/dto/dev-payment.dto.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testSolanaSecretKey } from './support/wallet.js';

const base58 = getBase58Decoder();
const unknownSignature = () => base58.decode(randomBytes(64));

describe('chain routes with the embedded ledger (e2e)', () => {
  let t: TestApp;
  let ledger: LiteSvmLedger;

  beforeAll(async () => {
    t = await startTestApp();
    ledger = t.app.get(LiteSvmLedger);
  });
  afterAll(() => t.close());

  it('POST /v1/dev/solana/pay pays a transfer request from the demo wallet, and the merchant side validates it', async () => {
    const reference = (await generateKeyPairSigner()).address;
    const fields = { recipient: ledger.treasuryAddress, amount: 3.5, splToken: ledger.usdcMint, reference, memo: 'order:e2e-1' };
    const before = await ledger.usdcBalance(ledger.treasuryAddress);
    const res = await t
      .http()
      .post('/v1/dev/solana/pay')
      .send({ url: encodeURL(fields).toString() })
      .expect(200);
    expect(res.body).toEqual({ signature: expect.any(String) as unknown });
    const found = await findReference(ledger.rpc(), reference);
    expect(found.signature).toBe((res.body as DevPaymentResponse).signature);
    await expect(validateTransfer(ledger.rpc(), found.signature, fields)).resolves.toBeTruthy();
    expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(before + 3_500_000n);
  });

  it('answers 400 with the reason for a malformed or unpayable request, and validates the body', async () => {
    const notUrl = await t.http().post('/v1/dev/solana/pay').send({ url: 'pay me please' }).expect(400);
    expect(notUrl.body).toMatchObject({ code: 'CHAIN_INVALID_PAYMENT_REQUEST', message: 'not a Solana Pay transfer request: not a URL' });
    const https = await t.http().post('/v1/dev/solana/pay').send({ url: 'https://example.com/pay' }).expect(400);
    expect((https.body as ErrorBody).message).toBe('not a Solana Pay transfer request: protocol invalid');
    const noAmount = encodeURL({ recipient: ledger.treasuryAddress, splToken: ledger.usdcMint }).toString();
    const unpriced = await t.http().post('/v1/dev/solana/pay').send({ url: noAmount }).expect(400);
    expect((unpriced.body as ErrorBody).message).toBe('only transfer requests with an amount can be paid');
    const missing = await t.http().post('/v1/dev/solana/pay').send({}).expect(400);
    expect((missing.body as ErrorBody).code).toBe('VALIDATION_FAILED');
    await t.http().post('/v1/dev/solana/pay').send({ url: noAmount, wallet: 'x' }).expect(400);
  });

  it('GET /v1/chain/memos/:signature reads a memo back: 404 when there is none, 400 for a malformed signature', async () => {
    const memo = `mkt:v1:anchor:dataset-1:1:${'ab'.repeat(32)}`;
    const { signature } = await ledger.recordMemo(memo);
    const res = await t.http().get(`/v1/chain/memos/${signature}`).expect(200);
    expect(res.body).toEqual({ cluster: 'litesvm', signature, memo });

    const missing = await t.http().get(`/v1/chain/memos/${unknownSignature()}`).expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'CHAIN_MEMO_NOT_FOUND' });
    const malformed = await t.http().get('/v1/chain/memos/not-a-signature').expect(400);
    expect((malformed.body as ErrorBody).code).toBe('VALIDATION_FAILED');
    // Base58 of the right length but not 64 bytes.
    const wrongLength = await t
      .http()
      .get(`/v1/chain/memos/${'z'.repeat(88)}`)
      .expect(400);
    expect((wrongLength.body as ErrorBody).code).toBe('CHAIN_INVALID_ARGUMENT');
  });

  it('keeps the ledger in DATA_DIR: a restarted service reads what the first one recorded', async () => {
    const { signature } = await ledger.recordMemo('before the restart');
    const restarted = await startTestApp({ DATA_DIR: t.config.DATA_DIR });
    try {
      const res = await restarted.http().get(`/v1/chain/memos/${signature}`).expect(200);
      expect((res.body as ChainMemoResponse).memo).toBe('before the restart');
      expect(restarted.app.get(LiteSvmLedger).treasuryAddress).toBe(ledger.treasuryAddress);
    } finally {
      await restarted.close();
    }
  });
});

describe('chain routes with a real cluster configured (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on the discard port: the cluster is configured but never answers.
    t = await startTestApp({
      SOLANA_RPC_URL: 'http://127.0.0.1:9',
      SOLANA_USDC_MINT: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
      TREASURY_SECRET_KEY: JSON.stringify([...testSolanaSecretKey()]),
    });
  });
  afterAll(() => t.close());

  it('POST /v1/dev/solana/pay answers 404: there is no demo wallet on a real cluster', async () => {
    const res = await t.http().post('/v1/dev/solana/pay').send({ url: 'solana:x?amount=1' }).expect(404);
    expect(res.body).toMatchObject({
      code: 'CHAIN_DEV_WALLET_UNAVAILABLE',
      message: expect.stringContaining('only on the embedded ledger') as unknown,
    });
  });

  it('GET /v1/chain/memos/:signature answers 503 while the cluster does not answer', async () => {
    const res = await t.http().get(`/v1/chain/memos/${unknownSignature()}`).expect(503);
    expect(res.body).toMatchObject({ code: 'CHAIN_LEDGER_UNAVAILABLE', message: expect.stringContaining('localnet') as unknown });
  });
});
