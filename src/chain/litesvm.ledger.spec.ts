import { randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Signature, generateKeyPairSigner, getBase58Decoder } from '@solana/kit';
import { FindReferenceError, ValidateTransferError, encodeURL, findReference, validateTransfer } from '@solana/pay';
import { ChainErrorCode } from './chain.exception.js';
import { DEMO_BUYER_USDC, LiteSvmLedger } from './litesvm.ledger.js';

const USDC = 1_000_000n;

describe('LiteSvmLedger', () => {
  let dir: string;
  let statePath: string;
  let ledger: LiteSvmLedger;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'litesvm-ledger-'));
    statePath = join(dir, 'chain', 'ledger.bin');
    ledger = await LiteSvmLedger.open({ statePath });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function paymentRequest(amount: number, memo: string) {
    const reference = (await generateKeyPairSigner()).address;
    const fields = { recipient: ledger.treasuryAddress, amount, splToken: ledger.usdcMint, reference, memo };
    return { reference, fields, url: encodeURL({ ...fields, label: 'Marketplace', message: `Order ${memo}` }) };
  }

  it('starts with a funded demo buyer and an empty treasury token account', async () => {
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(DEMO_BUYER_USDC);
    expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(0n);
    const treasuryAccount = await ledger.tokenAccountOf(ledger.treasuryAddress);
    const { value } = await ledger.rpc().getAccountInfo(treasuryAccount, { encoding: 'base64' }).send();
    expect(value).not.toBeNull();
  });

  it('records a memo and reads it back by signature', async () => {
    const memo = 'dpm:v1:anchor:dataset=ds_1:version=1:root=9f86d081884c7d659a2feaa0c55ad015';
    const receipt = await ledger.recordMemo(memo);
    expect(receipt.slot).toBeGreaterThanOrEqual(0n);
    await expect(ledger.findMemo(receipt.signature)).resolves.toBe(memo);
    const [latest] = await ledger.rpc().getSignaturesForAddress(ledger.treasuryAddress, { limit: 1 }).send();
    expect(latest.signature).toBe(receipt.signature);
    expect(latest.memo).toBe(`[${memo.length}] ${memo}`);
  });

  it('gives distinct signatures to identical memos and answers null for unknown signatures', async () => {
    const first = await ledger.recordMemo('same text');
    const second = await ledger.recordMemo('same text');
    expect(second.signature).not.toBe(first.signature);
    expect(second.slot).toBeGreaterThan(first.slot);
    // 64 random bytes: a well-formed signature of no transaction (a validator refuses a malformed one outright).
    const unknown = getBase58Decoder().decode(randomBytes(64)) as Signature;
    await expect(ledger.findMemo(unknown)).resolves.toBeNull();
  });

  it('records a memo with a reference and finds it by that reference, never by a transaction the treasury did not pay', async () => {
    const reference = (await generateKeyPairSigner()).address;
    await expect(ledger.findByReference(reference)).resolves.toBeNull();
    // A stranger names the reference first: the demo buyer pays a Solana Pay request carrying it.
    const { url } = await paymentRequest(1, 'order:o_ref');
    const strangerUrl = new URL(url);
    strangerUrl.searchParams.set('reference', reference);
    const stranger = await ledger.payWithDemoWallet(strangerUrl);
    await expect(ledger.findByReference(reference)).resolves.toBeNull();

    const memo = 'mkt:v1:anchor:ds_ref:1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const receipt = await ledger.recordMemo(memo, { reference });
    await expect(ledger.findByReference(reference)).resolves.toEqual(receipt);
    await expect(ledger.findMemo(receipt.signature)).resolves.toBe(memo);
    const named = await ledger.rpc().getSignaturesForAddress(reference).send();
    expect(named.map((entry) => entry.signature)).toEqual([receipt.signature, stranger.signature]);
  });

  it('refuses an empty or oversized memo', async () => {
    await expect(ledger.recordMemo('')).rejects.toMatchObject({ code: ChainErrorCode.INVALID_ARGUMENT });
    await expect(ledger.recordMemo('x'.repeat(501))).rejects.toMatchObject({ code: ChainErrorCode.INVALID_ARGUMENT });
  });

  it('transfers USDC to an owner without a token account and rejects an overdraft', async () => {
    const payer = await generateKeyPairSigner();
    const payee = (await generateKeyPairSigner()).address;
    await ledger.airdropUsdc(payer.address, 10n * USDC);
    const receipt = await ledger.transferUsdc(payer, payee, 3_250_000n, { memo: 'payout:p_1' });
    expect(await ledger.usdcBalance(payee)).toBe(3_250_000n);
    expect(await ledger.usdcBalance(payer.address)).toBe(6_750_000n);
    await expect(ledger.findMemo(receipt.signature)).resolves.toBe('payout:p_1');
    await expect(ledger.transferUsdc(payer, payee, 7n * USDC)).rejects.toMatchObject({ code: ChainErrorCode.TRANSACTION_FAILED });
    expect(await ledger.usdcBalance(payer.address)).toBe(6_750_000n);
    await expect(ledger.transferUsdc(payer, payee, 0n)).rejects.toMatchObject({ code: ChainErrorCode.INVALID_ARGUMENT });
  });

  it('creates a token account once', async () => {
    const owner = (await generateKeyPairSigner()).address;
    const first = await ledger.ensureTokenAccount(owner);
    const before = await ledger.rpc().getSignaturesForAddress(first).send();
    expect(await ledger.ensureTokenAccount(owner)).toBe(first);
    expect(await ledger.rpc().getSignaturesForAddress(first).send()).toHaveLength(before.length);
    expect(before).toHaveLength(1);
  });

  describe('Solana Pay', () => {
    it('pays a transfer request from the demo wallet; findReference + validateTransfer accept it', async () => {
      const { reference, fields, url } = await paymentRequest(12.5, 'order:o_1');
      const treasuryBefore = await ledger.usdcBalance(ledger.treasuryAddress);
      const paid = await ledger.payWithDemoWallet(url);

      const found = await findReference(ledger.rpc(), reference, { commitment: 'confirmed' });
      expect(found.signature).toBe(paid.signature);
      const response = await validateTransfer(ledger.rpc(), found.signature, fields);
      expect(response.slot).toBe(paid.slot);
      expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(treasuryBefore + 12_500_000n);
      await expect(ledger.findMemo(paid.signature)).resolves.toBe('order:o_1');
    });

    it('rejects a short payment and a payment with another memo', async () => {
      const { reference, fields } = await paymentRequest(5, 'order:o_2');
      const underpaid = encodeURL({ ...fields, amount: 4.99 });
      await ledger.payWithDemoWallet(underpaid);
      const found = await findReference(ledger.rpc(), reference);
      await expect(validateTransfer(ledger.rpc(), found.signature, fields)).rejects.toThrow(new ValidateTransferError('amount not transferred'));
      await expect(validateTransfer(ledger.rpc(), found.signature, { ...fields, amount: 4.99 })).resolves.toBeTruthy();
      await expect(validateTransfer(ledger.rpc(), found.signature, { ...fields, amount: 4.99, memo: 'order:o_3' })).rejects.toThrow(
        new ValidateTransferError('invalid memo'),
      );
    });

    it('rejects a payment validated against another reference or recipient', async () => {
      const { fields, url } = await paymentRequest(1, 'order:o_4');
      const paid = await ledger.payWithDemoWallet(url);
      const otherReference = (await generateKeyPairSigner()).address;
      await expect(validateTransfer(ledger.rpc(), paid.signature, { ...fields, reference: otherReference })).rejects.toThrow(ValidateTransferError);
      const otherRecipient = (await generateKeyPairSigner()).address;
      await expect(validateTransfer(ledger.rpc(), paid.signature, { ...fields, recipient: otherRecipient })).rejects.toThrow(ValidateTransferError);
    });

    it('finds nothing for an unpaid reference and refuses requests it cannot pay', async () => {
      const { reference, fields } = await paymentRequest(1, 'order:o_5');
      await expect(findReference(ledger.rpc(), reference)).rejects.toThrow(FindReferenceError);
      await expect(ledger.payWithDemoWallet('https://example.com/pay')).rejects.toMatchObject({
        code: ChainErrorCode.INVALID_PAYMENT_REQUEST,
      });
      const tooMuch = encodeURL({ ...fields, amount: 2_000_000 });
      await expect(ledger.payWithDemoWallet(tooMuch)).rejects.toMatchObject({ code: ChainErrorCode.INVALID_PAYMENT_REQUEST });
      await expect(findReference(ledger.rpc(), reference)).rejects.toThrow(FindReferenceError);
    });
  });

  it('keeps keys, balances, memos and payments across a reload from its state file', async () => {
    const memo = await ledger.recordMemo('dpm:v1:split:sale=s_1:root=abc');
    const { reference, fields, url } = await paymentRequest(2, 'order:o_6');
    const paid = await ledger.payWithDemoWallet(url);
    const treasuryBalance = await ledger.usdcBalance(ledger.treasuryAddress);

    const reopened = await LiteSvmLedger.open({ statePath });
    expect(reopened).not.toBe(ledger);
    expect(reopened.treasuryAddress).toBe(ledger.treasuryAddress);
    expect(reopened.usdcMint).toBe(ledger.usdcMint);
    expect(reopened.demoBuyerAddress).toBe(ledger.demoBuyerAddress);
    expect(await reopened.usdcBalance(reopened.treasuryAddress)).toBe(treasuryBalance);
    await expect(reopened.findMemo(memo.signature)).resolves.toBe('dpm:v1:split:sale=s_1:root=abc');
    const found = await findReference(reopened.rpc(), reference);
    expect(found.signature).toBe(paid.signature);
    await expect(validateTransfer(reopened.rpc(), found.signature, fields)).resolves.toBeTruthy();

    const after = await reopened.recordMemo('after restart');
    expect(after.slot).toBeGreaterThan(paid.slot);
    await expect(reopened.findMemo(after.signature)).resolves.toBe('after restart');
  });

  it('journals transactions in an append-only file; a line no snapshot included (a crash in between) is dropped on load', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'litesvm-crash-'));
    const livePath = join(crashDir, 'live', 'ledger.bin');
    const crashedPath = join(crashDir, 'crashed', 'ledger.bin');
    const lines = (path: string) => readFileSync(`${path}.journal`, 'utf8').split('\n').filter(Boolean);
    const live = await LiteSvmLedger.open({ statePath: livePath });
    const kept = await live.recordMemo('kept');
    // The crash: the next transaction's line reaches the journal (and a partial one after it), its snapshot never does.
    mkdirSync(dirname(crashedPath));
    copyFileSync(livePath, crashedPath);
    copyFileSync(`${livePath}.journal`, `${crashedPath}.journal`);
    const before = lines(crashedPath).length;
    const lost = await live.recordMemo('lost in the crash');
    appendFileSync(`${crashedPath}.journal`, `${lines(livePath).at(-1)}\n{"partial`);

    const reopened = await LiteSvmLedger.open({ statePath: crashedPath });
    await expect(reopened.findMemo(kept.signature)).resolves.toBe('kept');
    await expect(reopened.findMemo(lost.signature)).resolves.toBeNull();
    expect(lines(crashedPath)).toHaveLength(before);
    const next = await reopened.recordMemo('after the crash');
    await expect((await LiteSvmLedger.open({ statePath: crashedPath })).findMemo(next.signature)).resolves.toBe('after the crash');
    rmSync(crashDir, { recursive: true, force: true });
  });

  it('opens a state file from before the journal file (the whole journal inside it) and moves it to the new layout', async () => {
    const legacyDir = mkdtempSync(join(tmpdir(), 'litesvm-legacy-'));
    const path = join(legacyDir, 'ledger.bin');
    const memo = await (await LiteSvmLedger.open({ statePath: path })).recordMemo('from the old layout');
    // Rewrite the snapshot as the old layout wrote it: the transactions in its JSON part, no journal file.
    const file = readFileSync(path);
    const jsonLength = file.readUInt32LE(8);
    // The old layout had no journal length.
    const state = JSON.parse(file.subarray(12, 12 + jsonLength).toString('utf8')) as Record<string, unknown>;
    delete state.journalLength;
    const transactions = readFileSync(`${path}.journal`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
    const json = Buffer.from(JSON.stringify({ ...state, transactions }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    writeFileSync(path, Buffer.concat([file.subarray(0, 8), length, json, file.subarray(12 + jsonLength)]));
    rmSync(`${path}.journal`);

    const reopened = await LiteSvmLedger.open({ statePath: path });
    await expect(reopened.findMemo(memo.signature)).resolves.toBe('from the old layout');
    expect(readFileSync(`${path}.journal`, 'utf8').split('\n').filter(Boolean)).toHaveLength(transactions.length);
    await expect((await LiteSvmLedger.open({ statePath: path })).findMemo(memo.signature)).resolves.toBe('from the old layout');
    rmSync(legacyDir, { recursive: true, force: true });
  });

  it('pays 120 owners in ceil(120 / capacity) transactions through lookup tables, and finds and reads each batch back by its reference', async () => {
    const owners = await Promise.all(Array.from({ length: 120 }, async () => (await generateKeyPairSigner()).address));
    await ledger.ensureTokenAccounts(owners);
    await ledger.airdropUsdc(ledger.treasuryAddress, 120n * USDC);
    const memoBytes = 'payout:00000000-0000-0000-0000-000000000000'.length;
    const capacity = ledger.usdcBatchCapacity(memoBytes, true);
    expect(capacity).toBeGreaterThanOrEqual(55);
    expect(ledger.usdcBatchCapacity(memoBytes)).toBeLessThan(20);
    const treasuryAccount = await ledger.tokenAccountOf(ledger.treasuryAddress);
    const accounts = await Promise.all(owners.map((owner) => ledger.tokenAccountOf(owner)));
    const table = await ledger.createLookupTable([treasuryAccount, ...accounts]);
    // One create, then one extension per 30 addresses: 121 addresses -> 5.
    expect(table.transactions).toBe(6);
    expect(await ledger.lookupTableAddresses(table.address)).toEqual([treasuryAccount, ...accounts]);

    const batches = [];
    for (let i = 0; i < owners.length; i += capacity) {
      const reference = (await generateKeyPairSigner()).address;
      const memo = `payout:${String(i).padStart(36, '0')}`;
      const transfers = owners.slice(i, i + capacity).map((to) => ({ to, amount: USDC }));
      batches.push({ reference, memo, receipt: await ledger.transferUsdcBatch(transfers, { memo, reference, lookupTable: table.address }) });
    }
    expect(batches).toHaveLength(Math.ceil(120 / capacity));
    for (const [index, { reference, memo, receipt }] of batches.entries()) {
      await expect(ledger.findByReference(reference)).resolves.toEqual(receipt);
      await expect(ledger.findMemo(receipt.signature)).resolves.toBe(memo);
      const tx = await ledger.rpc().getTransaction(receipt.signature, { encoding: 'base64', maxSupportedTransactionVersion: 0 }).send();
      // Every payee's token account and the treasury's came from the table.
      expect(tx?.meta?.loadedAddresses.writable).toHaveLength(Math.min(capacity, 120 - index * capacity) + 1);
    }
    for (const owner of owners) expect(await ledger.usdcBalance(owner)).toBe(USDC);
    // Still readable after a reload from the state file (the journal keeps the loaded addresses).
    const reopened = await LiteSvmLedger.open({ statePath });
    await expect(reopened.findMemo(batches[0].receipt.signature)).resolves.toBe(batches[0].memo);
    await expect(reopened.findByReference(batches[1].reference)).resolves.toEqual(batches[1].receipt);
  });
});
