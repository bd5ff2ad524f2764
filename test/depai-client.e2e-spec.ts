import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { TEST_ADMIN, auth, logIn, publishDataset, signUp, type PublishedDataset } from './support/checkout.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

const CLIENT = join(process.cwd(), 'scripts', 'depai.mjs');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A pass-through HTTP proxy in front of the app; it stands for the network between buyer and marketplace. When
 * `stallNext` is set, the next object download stops forwarding after half its body and holds the connection open:
 * the client is then killed mid-file, as a dropped laptop lid or Ctrl-C would, or `dropHeld` cuts that connection (a
 * network failure the running client recovers from).
 */
class Proxy {
  target = 0;
  stallNext = false;
  private held: ServerResponse | null = null;
  stalled: { path: string; sent: number; size: number } | null = null;
  readonly objectRequests: { range: string | undefined }[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.forward(req, res);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Drops the connection of the download held at half its body. */
  dropHeld(): void {
    this.held?.socket?.destroy();
    this.held = null;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const isObject = (req.url ?? '').startsWith('/v1/storage/local/objects/');
    if (isObject) this.objectRequests.push({ range: req.headers.range });
    const stall = isObject && this.stallNext;
    if (stall) this.stallNext = false;
    const upstream = httpRequest({ host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!stall) {
        answer.pipe(res);
        return;
      }
      const size = Number(answer.headers['content-length']);
      const half = Math.floor(size / 2);
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        const room = half - sent;
        if (room <= 0) return;
        res.write(chunk.subarray(0, room));
        sent += Math.min(room, chunk.length);
        if (sent < half) return;
        this.held = res;
        this.stalled = { path: req.url ?? '', sent, size };
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

/** Runs the client as a buyer would (`npx depai pull`, i.e. the package's bin), without the test runner's NODE_OPTIONS. */
function startClient(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<RunResult> } {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [CLIENT, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('npx depai pull (e2e: the download client against the real service, a paid order)', () => {
  const proxy = new Proxy();
  let t: TestApp;
  let api: string;
  let dir: string;
  let buyer: string;
  let dataset: PublishedDataset;
  let orderId: string;

  beforeAll(async () => {
    api = await proxy.start();
    // Download URLs are signed for PUBLIC_URL: the proxy, so every byte the client fetches passes through it.
    t = await startTestApp({ ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password, AUTH_RATE_LIMIT: '1000', PUBLIC_URL: api });
    await t.app.listen(0, '127.0.0.1');
    proxy.target = (t.app.getHttpServer().address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'depai-client-'));

    const admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    const contributor = await signUp(t, 'carla@depai.test', 'contributor');
    buyer = await signUp(t, 'bruno@depai.test', 'buyer');
    dataset = await publishDataset(
      t,
      { contributor, admin },
      { title: 'Client run', licenceSlug: 'commercial-ai-training', priceUsdCents: 1_500, seed: 3 },
    );
    await waitFor(async () => {
      const { versions } = (await t.http().get(`/v1/datasets/${dataset.datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      return versions[0]?.anchor?.status === 'confirmed' ? true : undefined;
    }, 'the version root to be anchored');
    const placed = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: dataset.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    if (!placed.solanaPay) throw new Error('a USDC order has a Solana Pay request');
    await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay.url }).expect(200);
    await t.http().post(`/v1/orders/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    orderId = placed.id;
  }, 300_000);

  afterAll(async () => {
    await t.close();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts a pull (one file at a time) whose first download the proxy holds at half its body, and waits until the
   * client has written that half to the file's .part.
   */
  const pullHeldAtHalf = async (out: string) => {
    proxy.stalled = null;
    proxy.stallNext = true;
    const client = startClient(['pull', orderId, '--out', out, '--api', api, '--parallel', '1'], { DEPAI_TOKEN: buyer });
    const stalled = await waitFor(() => proxy.stalled ?? undefined, 'the proxy to hold a download at half its body');
    const stalledFile = dataset.files.find((file) => file.sizeBytes === stalled.size);
    if (!stalledFile) throw new Error(`no file of ${stalled.size} bytes in the order`);
    const part = join(out, 'data', ...stalledFile.path.split('/')) + '.part';
    await waitFor(() => (existsSync(part) && statSync(part).size === stalled.sent ? true : undefined), 'the .part file to hold the first half');
    return { client, stalled, stalledFile };
  };

  it('is interrupted mid-file (the process killed), resumes with a Range request, and verifies every file', async () => {
    const out = join(dir, 'pull');
    const { client: first, stalled, stalledFile } = await pullHeldAtHalf(out);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect(killed.stdout).not.toContain('RESULT: OK');

    proxy.objectRequests.length = 0;
    const second = await startClient(['pull', orderId, '--out', out, '--api', api], { DEPAI_TOKEN: buyer }).done;
    expect(second.stdout).not.toContain('FAIL');
    expect(second.code).toBe(0);
    // The interrupted file continued from where its bytes stopped, not from the start.
    expect(proxy.objectRequests.map((request) => request.range)).toContain(`bytes=${stalled.sent}-`);
    expect(second.stdout).toContain(
      `OK   ${stalledFile.path}: resumed at byte ${stalled.sent}, sha256 ${stalledFile.sha256}, ${stalledFile.sizeBytes} bytes = the manifest entry`,
    );
    expect(second.stdout.match(/: Merkle proof \(\d+ siblings\) folds to [0-9a-f]{64}, the anchored root/g)).toHaveLength(dataset.files.length);
    expect(second.stdout).toContain(`OK   memo read from the marketplace API: mkt:v1:anchor:${dataset.datasetId}:1:${dataset.merkleRoot}`);
    expect(second.stdout).toContain('OK   licence certificate: Ed25519 signature valid, by the published platform key');
    expect(second.stdout).toMatch(/OK {3}licence certificate names the consent grant set [0-9a-f]{64}, as the public consent record lists it/);
    expect(second.stdout.trim().split('\n').at(-1)).toMatch(/^RESULT: OK \(\d+ checks passed\)$/);
    // Progress went to stderr, and ended at every byte.
    expect(second.stderr).toMatch(/\[#{30}\] 100% .* \d+\/\d+ files/);

    // The data, with the manifest and the certificate beside it; no .part left over.
    for (const file of dataset.files) {
      expect(sha256(readFileSync(join(out, 'data', ...file.path.split('/'))))).toBe(file.sha256);
    }
    expect(filesUnder(join(out, 'data')).filter((path) => path.endsWith('.part'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { merkleRoot: string };
    expect(manifest.merkleRoot).toBe(dataset.merkleRoot);
    const certificate = JSON.parse(readFileSync(join(out, 'licence-certificate.json'), 'utf8')) as { payload: string };
    expect((JSON.parse(certificate.payload) as { orderId?: string; dataset: { merkleRoot: string } }).dataset.merkleRoot).toBe(dataset.merkleRoot);
    // Croissant is another module's route: written when served, said when not.
    expect(existsSync(join(out, 'croissant.jsonld')) || second.stderr.includes('serves no Croissant description for the dataset (404)')).toBe(true);

    // A third run finds every file in place: it hashes them and fetches nothing.
    proxy.objectRequests.length = 0;
    const third = await startClient(['pull', orderId, '--out', out, '--api', api], { DEPAI_TOKEN: buyer }).done;
    expect(third.code).toBe(0);
    expect(proxy.objectRequests).toEqual([]);
    expect(third.stdout.match(/: already here, sha256 /g)).toHaveLength(dataset.files.length);
  }, 120_000);

  it('recovers from a connection dropped mid-file within the same run, continuing with a Range request', async () => {
    const out = join(dir, 'dropped');
    proxy.objectRequests.length = 0;
    const { client, stalled, stalledFile } = await pullHeldAtHalf(out);
    proxy.dropHeld();
    const run = await client.done;
    expect(run.stdout).not.toContain('FAIL');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${stalledFile.path}: `);
    expect(run.stderr).toMatch(/; resuming \(attempt 2 of 4\)/);
    expect(proxy.objectRequests.map((request) => request.range)).toEqual([undefined, `bytes=${stalled.sent}-`, undefined]);
    expect(run.stdout).toContain(`OK   ${stalledFile.path}: resumed at byte ${stalled.sent}, sha256 ${stalledFile.sha256}`);
    for (const file of dataset.files) {
      expect(sha256(readFileSync(join(out, 'data', ...file.path.split('/'))))).toBe(file.sha256);
    }
  }, 60_000);

  it('exits non-zero when a stored file was tampered with, and keeps none of its bytes', async () => {
    const victim = dataset.files[0];
    // Every stored copy of the file (staging and content-addressed) gets one bit flipped.
    const stored = filesUnder(join(t.config.DATA_DIR, 'objects')).filter((path) => sha256(readFileSync(path)) === victim.sha256);
    expect(stored.length).toBeGreaterThan(0);
    const original = readFileSync(stored[0]);
    const tampered = Buffer.from(original);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    for (const path of stored) writeFileSync(path, tampered);
    try {
      const out = join(dir, 'tampered');
      const run = await startClient(['pull', orderId, '--out', out, '--api', api, '--token', buyer], {}).done;
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `FAIL ${victim.path}: downloaded, sha256 ${sha256(tampered)}, ${victim.sizeBytes} bytes != the manifest's ${victim.sha256}`,
      );
      expect(run.stdout).toMatch(/^RESULT: FAIL \(1 of \d+ checks failed\)$/m);
      expect(existsSync(join(out, 'data', ...victim.path.split('/')))).toBe(false);
      expect(existsSync(join(out, 'data', ...victim.path.split('/')) + '.part')).toBe(false);
      // The other file still arrived and verified.
      const other = dataset.files[1];
      expect(sha256(readFileSync(join(out, 'data', ...other.path.split('/'))))).toBe(other.sha256);
    } finally {
      for (const path of stored) writeFileSync(path, original);
    }
  }, 60_000);

  it('refuses another buyer, a bad order id and missing credentials, saying why', async () => {
    const stranger = await signUp(t, 'sam@depai.test', 'buyer');
    const other = await startClient(['pull', orderId, '--out', join(dir, 'stranger'), '--api', api, '--token', stranger], {}).done;
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(new RegExp(`FAIL order ${orderId}: GET .*/v1/orders/${orderId} answered 404`));
    const badId = await startClient(['pull', 'not-an-order', '--api', api, '--token', buyer], {}).done;
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('not-an-order is not an order id (a UUID)');
    const anonymous = await startClient(['pull', orderId, '--api', api], {}).done;
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toContain('give --token or --api-key');
  }, 60_000);
});
