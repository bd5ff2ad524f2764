import { type RpcTransport, SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR, SolanaError } from '@solana/kit';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { clusterName, unavailableAsChainException, websocketUrlFor } from './rpc.ledger.js';

describe('websocketUrlFor', () => {
  it('uses the next port for a local validator and the same host for a provider', () => {
    expect(websocketUrlFor('http://127.0.0.1:8899')).toBe('ws://127.0.0.1:8900/');
    expect(websocketUrlFor('https://api.devnet.solana.com')).toBe('wss://api.devnet.solana.com/');
    expect(websocketUrlFor('https://rpc.example.com/key/abc')).toBe('wss://rpc.example.com/key/abc');
  });
});

describe('clusterName', () => {
  it('names public clusters and a local validator, and keeps only the host of a provider URL (no API key)', () => {
    expect(clusterName('https://api.mainnet-beta.solana.com')).toBe('mainnet-beta');
    expect(clusterName('https://api.devnet.solana.com/')).toBe('devnet');
    expect(clusterName('http://127.0.0.1:8899')).toBe('localnet');
    expect(clusterName('https://user:pw@mainnet.helius-rpc.com/v2/secret-key?api-key=secret')).toBe('mainnet.helius-rpc.com');
  });
});

describe('unavailableAsChainException', () => {
  const failingWith =
    (error: unknown): RpcTransport =>
    () =>
      Promise.reject(error instanceof Error ? error : new Error(String(error)));
  const httpError = (statusCode: number) =>
    new SolanaError(SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR, { headers: new Headers(), message: 'answer', statusCode });
  const call = (transport: RpcTransport) => unavailableAsChainException(transport, 'localnet')({ payload: { method: 'getSlot' } });

  it('turns a node that cannot be reached, is overloaded or failing into LEDGER_UNAVAILABLE (503, Retry-After)', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8899') });
    for (const error of [refused, httpError(429), httpError(502), httpError(503)]) {
      const thrown: unknown = await call(failingWith(error)).catch((caught: unknown) => caught);
      expect(thrown).toBeInstanceOf(ChainException);
      expect(thrown).toMatchObject({ code: ChainErrorCode.LEDGER_UNAVAILABLE, status: 503, retryAfterSeconds: 5 });
    }
    await expect(call(failingWith(refused))).rejects.toThrow(
      'the ledger (localnet) did not answer: fetch failed: connect ECONNREFUSED 127.0.0.1:8899',
    );
  });

  it('leaves a configuration error (401, 403, 404) as it is, and passes answers through', async () => {
    for (const statusCode of [401, 403, 404]) {
      const error = httpError(statusCode);
      await expect(call(failingWith(error))).rejects.toBe(error);
    }
    const answer = { jsonrpc: '2.0', id: 1, result: 42 };
    const answering: RpcTransport = <TResponse>() => Promise.resolve(answer as TResponse);
    await expect(call(answering)).resolves.toBe(answer);
  });
});
