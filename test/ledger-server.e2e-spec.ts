import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Address,
  type KeyPairSigner,
  type Signature,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  generateKeyPairSigner,
  getBase58Decoder,
  getBase64Encoder,
  getSignatureFromTransaction,
  getTransactionEncoder,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { encodeURL, findReference, validateTransfer } from '@solana/pay';
import { getAddMemoInstruction } from '@solana-program/memo';
import { findAssociatedTokenPda, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { ChainErrorCode } from '../src/chain/chain.exception.js';
import { LedgerServer } from '../src/chain/ledger-server/ledger-server.js';
import { RpcSolanaLedger } from '../src/chain/rpc.ledger.js';
import { v0TransactionMessage } from '../src/chain/usdc-batch.js';

/** A value an answer must hold. */
function present<T>(value: T | null): T {
  if (value === null) throw new Error('the ledger answered null');
  return value;
}

interface JsonTransaction {
  transaction: {
    signatures: string[];
    message: { instructions: Record<string, unknown>[]; accountKeys: unknown[] };
  };
  meta: { postTokenBalances: unknown[] };
}

interface RpcAnswer {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

/**
 * The ledger server (npm run ledger) over real HTTP and websockets: a validator's JSON-RPC answers as @solana/kit
 * and @solana/pay read them, RpcSolanaLedger (the production adapter) against it, the dev payment route, and its
 * state across a restart.
 */
describe('ledger server: Solana JSON-RPC over HTTP and websockets (e2e)', () => {
  let dir: string;
  let server: LedgerServer;
  let ledger: RpcSolanaLedger;
  let treasury: KeyPairSigner;

  const post = async (body: unknown, path = '/'): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${server.connection.SOLANA_RPC_URL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };
  const call = async (method: string, ...params: unknown[]) => (await post({ jsonrpc: '2.0', id: 7, method, params })).json as RpcAnswer;
  /** The result of a call that must succeed. */
  const result = async <T>(method: string, ...params: unknown[]): Promise<T> => {
    const answer = await call(method, ...params);
    if (answer.result === undefined) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`);
    return answer.result as T;
  };

  /** A memo transaction from the treasury, signed and not sent: its signature and its base64 wire form. */
  const signed = async (blockhash: string, memo = `replay ${randomBytes(4).toString('hex')}`) => {
    const transaction = await signTransactionMessageWithSigners(
      v0TransactionMessage(treasury, { blockhash: blockhash as never, lastValidBlockHeight: 0n }, [getAddMemoInstruction({ memo })]),
    );
    return { signature: getSignatureFromTransaction(transaction), wire: Buffer.from(getTransactionEncoder().encode(transaction)).toString('base64') };
  };

  const startLedger = () => LedgerServer.start({ dataDir: dir, port: 0, slotMs: 50 });
  const connect = async (target: LedgerServer) => {
    treasury = await createKeyPairSignerFromBytes(new Uint8Array(JSON.parse(readFileSync(target.connection.TREASURY_KEY_FILE, 'utf8')) as number[]));
    return new RpcSolanaLedger({
      rpcUrl: target.connection.SOLANA_RPC_URL,
      wsUrl: target.connection.SOLANA_WS_URL,
      usdcMint: target.connection.SOLANA_USDC_MINT as Address,
      treasury,
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-server-'));
    server = await startLedger();
    ledger = await connect(server);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the settings that point a service at it, and keeps its keys and state owner-only', () => {
    const env = readFileSync(join(dir, 'ledger.env'), 'utf8');
    expect(env).toBe(
      [
        `SOLANA_RPC_URL=${server.connection.SOLANA_RPC_URL}`,
        `SOLANA_WS_URL=${server.connection.SOLANA_WS_URL}`,
        `SOLANA_USDC_MINT=${server.chain.usdcMint}`,
        `TREASURY_KEY_FILE=${join(dir, 'treasury-keypair.json')}`,
        '',
      ].join('\n'),
    );
    expect(server.connection.SOLANA_RPC_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.connection.SOLANA_WS_URL).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(readFileSync(server.connection.TREASURY_KEY_FILE, 'utf8'))).toHaveLength(64);
    for (const file of ['ledger.env', 'treasury-keypair.json', 'ledger.bin', 'ledger.bin.journal']) {
      expect((statSync(join(dir, file)).mode & 0o777).toString(8)).toBe('600');
    }
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });

  it('answers the chain-state methods as a validator does', async () => {
    await expect(fetch(`${server.connection.SOLANA_RPC_URL}/health`).then((r) => r.text())).resolves.toBe('ok');
    expect(await call('getHealth')).toEqual({ jsonrpc: '2.0', id: 7, result: 'ok' });
    const first = await result<number>('getSlot');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await result<number>('getSlot')).toBeGreaterThan(first);

    const latest = await result<{ context: { slot: number }; value: { blockhash: string; lastValidBlockHeight: number } }>('getLatestBlockhash');
    expect(latest.value.lastValidBlockHeight).toBe(latest.context.slot + 150);
    expect((await result<{ value: boolean }>('isBlockhashValid', latest.value.blockhash)).value).toBe(true);
    expect((await result<{ value: boolean }>('isBlockhashValid', getBase58Decoder().decode(randomBytes(32)))).value).toBe(false);
    const epoch = await result<Record<string, number>>('getEpochInfo');
    expect(epoch).toEqual({
      absoluteSlot: expect.any(Number) as unknown,
      blockHeight: expect.any(Number) as unknown,
      epoch: expect.any(Number) as unknown,
      slotIndex: expect.any(Number) as unknown,
      slotsInEpoch: expect.any(Number) as unknown,
      transactionCount: expect.any(Number) as unknown,
    });
    expect(await result<number>('getMinimumBalanceForRentExemption', 165)).toBe(2_039_280);

    // The mint, in every account encoding kit and the web3 libraries ask for; u64 rentEpoch stays exact.
    const rpc = createSolanaRpc(server.connection.SOLANA_RPC_URL);
    const mint = server.chain.usdcMint;
    const base64 = present((await rpc.getAccountInfo(mint, { encoding: 'base64' }).send()).value);
    expect(base64).toMatchObject({ owner: TOKEN_PROGRAM_ADDRESS, executable: false, rentEpoch: 18_446_744_073_709_551_615n, space: 82n });
    const bytes = getBase64Encoder().encode(base64.data[0]);
    const base58 = present((await rpc.getAccountInfo(mint, { encoding: 'base58' }).send()).value);
    expect(base58.data).toEqual([getBase58Decoder().decode(bytes), 'base58']);
    const sliced = present((await rpc.getAccountInfo(mint, { encoding: 'base64', dataSlice: { offset: 44, length: 1 } }).send()).value);
    expect(sliced.data[0]).toBe(Buffer.from([6]).toString('base64'));
    const parsed = present((await rpc.getAccountInfo(mint, { encoding: 'jsonParsed' }).send()).value);
    expect(parsed.data).toEqual({
      program: 'spl-token',
      parsed: {
        type: 'mint',
        info: {
          decimals: 6,
          freezeAuthority: null,
          isInitialized: true,
          mintAuthority: ledger.treasuryAddress,
          supply: expect.any(String) as unknown,
        },
      },
      space: 82n,
    });
    const zstd = await result<{ value: { data: [string, string] } }>('getAccountInfo', mint, { encoding: 'base64+zstd' });
    expect(zstd.value.data[1]).toBe('base64+zstd');

    const [buyerToken] = await findAssociatedTokenPda({ owner: server.chain.demoBuyer.address, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const balance = await rpc.getTokenAccountBalance(buyerToken).send();
    expect(balance.value).toEqual({
      amount: expect.stringMatching(/^\d+$/) as unknown,
      decimals: 6,
      uiAmount: expect.any(Number) as unknown,
      uiAmountString: expect.any(String) as unknown,
    });
    const several = await rpc.getMultipleAccounts([mint, buyerToken, (await generateKeyPairSigner()).address], { encoding: 'base64' }).send();
    expect(several.value.map((account) => account?.space ?? null)).toEqual([82n, 165n, null]);
    expect((await rpc.getBalance(ledger.treasuryAddress).send()).value).toBeGreaterThan(0n);
  });

  it('answers JSON-RPC errors with the codes a validator uses, and batches', async () => {
    expect((await call('getBlockProduction')).error).toEqual({ code: -32601, message: 'Method not found' });
    expect((await call('getAccountInfo', 'not-an-address')).error).toMatchObject({ code: -32602 });
    expect((await call('getTokenAccountBalance', server.chain.usdcMint)).error).toEqual({
      code: -32602,
      message: 'Invalid param: not a Token account',
    });
    const [buyerToken] = await findAssociatedTokenPda({
      owner: server.chain.demoBuyer.address,
      mint: server.chain.usdcMint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
    });
    expect((await call('getAccountInfo', buyerToken, { encoding: 'base58' })).error).toEqual({
      code: -32602,
      message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
    });
    expect((await call('getMinimumBalanceForRentExemption', -1)).error).toMatchObject({ code: -32602 });
    expect(((await post('{"jsonrpc":"2.0","id":1,"method":')).json as RpcAnswer).error).toEqual({ code: -32700, message: 'Parse error' });
    expect(((await post([])).json as RpcAnswer).error).toEqual({ code: -32600, message: 'Invalid request' });
    const batch = await post([
      { jsonrpc: '2.0', id: 1, method: 'getHealth' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
    ]);
    expect((batch.json as RpcAnswer[]).map((answer) => [answer.id, answer.result ?? answer.error?.code])).toEqual([
      [1, 'ok'],
      [2, -32601],
    ]);
    expect((await fetch(`${server.connection.SOLANA_RPC_URL}/`)).status).toBe(405);
  });

  it('runs the production adapter end to end: memos found by reference, USDC transfers, confirmations over the websocket', async () => {
    const reference = (await generateKeyPairSigner()).address;
    const receipt = await ledger.recordMemo('mkt:v1:anchor:ledger-server:1', { reference });
    await expect(ledger.findByReference(reference)).resolves.toEqual(receipt);
    await expect(ledger.findMemo(receipt.signature)).resolves.toBe('mkt:v1:anchor:ledger-server:1');

    const payee = (await generateKeyPairSigner()).address;
    await ledger.ensureTokenAccount(payee);
    const before = await ledger.usdcBalance(ledger.treasuryAddress);
    await post({ owner: ledger.treasuryAddress, amount: '5000000' }, '/dev/mint-usdc');
    const transfer = await ledger.transferUsdc(treasury, payee, 1_250_000n, { memo: 'payout:test' });
    expect(await ledger.usdcBalance(payee)).toBe(1_250_000n);
    expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(before + 5_000_000n - 1_250_000n);

    // The transfer as json and jsonParsed: what scripts/verify-*.mjs and explorers read.
    const json = await result<JsonTransaction>('getTransaction', transfer.signature, { encoding: 'json', maxSupportedTransactionVersion: 0 });
    expect(json).toMatchObject({ slot: Number(transfer.slot), version: 0, meta: { err: null, status: { Ok: null }, fee: 5000 } });
    expect(json.transaction.message).toMatchObject({ header: { numRequiredSignatures: 1 }, addressTableLookups: [] });
    expect(json.transaction.signatures).toEqual([transfer.signature]);
    expect(json.meta.postTokenBalances).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          owner: payee,
          uiTokenAmount: expect.objectContaining({ amount: '1250000', uiAmountString: '1.25' }) as unknown,
        }) as unknown,
      ]) as unknown,
    );
    const parsed = await result<JsonTransaction>('getTransaction', transfer.signature, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 });
    const instructions = parsed.transaction.message.instructions;
    expect(instructions[0]).toEqual({ program: 'spl-memo', programId: expect.any(String) as unknown, parsed: 'payout:test', stackHeight: null });
    expect(instructions.at(-1)).toMatchObject({
      program: 'spl-token',
      parsed: { type: 'transferChecked', info: { authority: ledger.treasuryAddress, tokenAmount: { amount: '1250000', decimals: 6 } } },
    });
    expect(parsed.transaction.message.accountKeys[0]).toEqual({
      pubkey: ledger.treasuryAddress,
      signer: true,
      source: 'transaction',
      writable: true,
    });
    // A legacy client (no maxSupportedTransactionVersion) is told the version is unsupported, as by a validator.
    expect((await call('getTransaction', transfer.signature, { encoding: 'json' })).error).toMatchObject({ code: -32015 });

    const statuses = await result<{ value: unknown[] }>('getSignatureStatuses', [transfer.signature, getBase58Decoder().decode(randomBytes(64))]);
    expect(statuses.value).toEqual([
      { slot: Number(transfer.slot), confirmations: null, err: null, status: { Ok: null }, confirmationStatus: 'finalized' },
      null,
    ]);
    const history = await result<{ signature: string; memo: string | null }[]>('getSignaturesForAddress', await ledger.tokenAccountOf(payee), {
      limit: 10,
    });
    expect(history[0]).toMatchObject({ signature: transfer.signature, memo: '[11] payout:test', err: null, confirmationStatus: 'finalized' });
  });

  it('refuses what a validator refuses: a failing transaction at preflight (no fee), a replay, an unknown blockhash', async () => {
    const payer = (await generateKeyPairSigner()).address;
    const before = (await createSolanaRpc(server.connection.SOLANA_RPC_URL).getBalance(ledger.treasuryAddress).send()).value;
    // The treasury holds no such amount: preflight fails with the token program's InsufficientFunds (custom 1).
    await expect(ledger.transferUsdc(treasury, payer, 10n ** 15n)).rejects.toMatchObject({ code: ChainErrorCode.TRANSACTION_FAILED });
    expect((await createSolanaRpc(server.connection.SOLANA_RPC_URL).getBalance(ledger.treasuryAddress).send()).value).toBe(before);

    const { value } = await createSolanaRpc(server.connection.SOLANA_RPC_URL).getLatestBlockhash().send();
    const { wire } = await signed(value.blockhash);
    const sent = await call('sendTransaction', wire, { encoding: 'base64' });
    expect(sent.result).toEqual(expect.any(String) as unknown);
    const replay = await call('sendTransaction', wire, { encoding: 'base64' });
    expect(replay.error).toMatchObject({
      code: -32002,
      message: 'Transaction simulation failed: This transaction has already been processed',
      data: { err: 'AlreadyProcessed' },
    });
    const unknown = await call('sendTransaction', (await signed(getBase58Decoder().decode(randomBytes(32)))).wire, { encoding: 'base64' });
    expect(unknown.error).toMatchObject({ code: -32002, data: { err: 'BlockhashNotFound' } });
    expect((await call('sendTransaction', 'AAAA', { encoding: 'base64' })).error).toMatchObject({ code: -32602 });
  });

  it('pays a Solana Pay request from the demo buyer (POST /dev/pay); @solana/pay finds and validates it over HTTP', async () => {
    const reference = (await generateKeyPairSigner()).address;
    const fields = { recipient: ledger.treasuryAddress, amount: 2.5, splToken: ledger.usdcMint, reference, memo: 'order:ledger-server' };
    const { status, json } = await post({ url: encodeURL(fields).toString() }, '/dev/pay');
    expect(status).toBe(200);
    const rpc = ledger.rpc();
    const found = await findReference(rpc, reference, { commitment: 'confirmed' });
    expect(found.signature).toBe((json as { signature: Signature }).signature);
    await expect(validateTransfer(rpc, found.signature, fields, { commitment: 'confirmed' })).resolves.toBeTruthy();
    await expect(validateTransfer(rpc, found.signature, { ...fields, amount: 3 })).rejects.toThrow('amount not transferred');

    const refused = await post({ url: 'https://example.com/pay' }, '/dev/pay');
    expect(refused).toEqual({
      status: 400,
      json: { error: 'not a Solana Pay transfer request: protocol invalid', code: 'CHAIN_INVALID_PAYMENT_REQUEST' },
    });
    expect((await post({ owner: 'x', amount: '1' }, '/dev/mint-usdc')).status).toBe(400);
  });

  it('notifies slots and signatures over the websocket', async () => {
    const subscriptions = createSolanaRpcSubscriptions(server.connection.SOLANA_WS_URL);
    const abort = new AbortController();
    try {
      const slots = await subscriptions.slotNotifications().subscribe({ abortSignal: abort.signal });
      const seen: bigint[] = [];
      for await (const notification of slots) {
        seen.push(notification.slot);
        expect(notification.root).toBe(notification.slot);
        if (seen.length === 3) break;
      }
      expect(seen[1] - seen[0]).toBe(1n);

      // A signature subscribed to before it lands is notified when it lands. @solana/kit's iterator only keeps the
      // notifications that arrive once it has been polled, so it is polled before the transaction is sent.
      const { value } = await createSolanaRpc(server.connection.SOLANA_RPC_URL).getLatestBlockhash().send();
      const pending = await signed(value.blockhash, 'notified when it lands');
      const statuses = await subscriptions
        .signatureNotifications(pending.signature, { commitment: 'finalized' })
        .subscribe({ abortSignal: abort.signal });
      const landed = statuses[Symbol.asyncIterator]().next();
      expect((await call('sendTransaction', pending.wire, { encoding: 'base64' })).result).toBe(pending.signature);
      const notification = await landed;
      expect(notification.done).toBe(false);
      expect(notification.value).toEqual({ context: { slot: expect.any(BigInt) as unknown }, value: { err: null } });
    } finally {
      abort.abort();
    }
  });

  it('notifies a signature that had already landed when it was subscribed to, at the next slot', async () => {
    const { signature, slot } = await ledger.recordMemo('already landed');
    // A plain websocket that keeps every message from the start: @solana/kit's client drops a notification that comes
    // in the same read as the answer to its subscribe (as a slow client on a busy machine sees it), which is why its
    // sendAndConfirm also asks getSignatureStatuses; the server's side is checked here message by message.
    const socket = new WebSocket(server.connection.SOLANA_WS_URL);
    const messages: { id?: number; result?: unknown; method?: string; params?: { subscription: number; result: unknown } }[] = [];
    const next = async () => {
      while (messages.length === 0)
        await new Promise((resolve) => {
          socket.addEventListener('message', resolve, { once: true });
        });
      return messages.shift();
    };
    socket.addEventListener('message', (event) => {
      messages.push(JSON.parse(String(event.data)) as (typeof messages)[number]);
    });
    try {
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve, { once: true });
        socket.addEventListener('error', reject, { once: true });
      });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'signatureSubscribe', params: [signature, { commitment: 'finalized' }] }));
      const answer = await next();
      expect(answer).toEqual({ jsonrpc: '2.0', id: 1, result: expect.any(Number) as unknown });
      expect(await next()).toEqual({
        jsonrpc: '2.0',
        method: 'signatureNotification',
        params: { subscription: answer?.result, result: { context: { slot: Number(slot) }, value: { err: null } } },
      });
      // Notified once: the subscription is gone, as on a validator.
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'signatureUnsubscribe', params: [answer?.result] }));
      expect(await next()).toMatchObject({ id: 2, error: { code: -32602, message: 'Invalid subscription id.' } });
    } finally {
      socket.close();
    }
  });

  it('keeps its state across a restart: same mint and treasury, every transaction, slots only move forward', async () => {
    const { signature, slot } = await ledger.recordMemo('before the restart');
    const mint = server.chain.usdcMint;
    await server.close();
    server = await startLedger();
    ledger = await connect(server);
    expect(server.chain.usdcMint).toBe(mint);
    await expect(ledger.findMemo(signature)).resolves.toBe('before the restart');
    expect(await result<number>('getSlot')).toBeGreaterThan(Number(slot));
    const after = await ledger.recordMemo('after the restart');
    await expect(ledger.findMemo(after.signature)).resolves.toBe('after the restart');
  });
});
