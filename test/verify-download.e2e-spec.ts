import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { LicenceTemplateResponse } from '../src/licensing/dto/licence.dto.js';
import { type ManifestEntry, manifestLeafString, manifestLeaves } from '../src/provenance/manifest-leaf.js';
import { formatMemoRecord } from '../src/provenance/memo-record.js';
import { buildMerkleTree, merkleProof, toHex } from '../src/provenance/merkle-tree.js';
import { settled, uploadCapture } from './support/captures.js';
import { csvTelemetry, nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SCRIPT = join(process.cwd(), 'scripts', 'verify-download.mjs');
const SIGNATURE = '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW';
const MEMO_PROGRAM = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';

interface RpcRequest {
  id: number;
  method: string;
  params: unknown[];
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the verifier as a user would: a plain node process, without the test runner's NODE_OPTIONS. */
function verify(args: string[]): Promise<RunResult> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/verify-download.mjs (e2e, against a fixture marketplace)', () => {
  const datasetId = randomUUID();
  const version = 2;
  let dir: string;
  let server: Server;
  let api: string;
  let files: Record<string, string>;
  let entries: ManifestEntry[];
  let root: string;
  /** What the fixture serves; each test may change it and the next restores it. */
  let served: { memo: string; manifestFiles: ManifestEntry[] };
  const rpcRequests: unknown[] = [];

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verify-download-'));
    const contents: Record<string, Buffer> = {
      'drive-01/cam front/frame_000001.jpg': Buffer.from('jpeg bytes of frame one'),
      'drive-01/imu.csv': Buffer.from('t,ax,ay,az\n0,0.1,0.2,9.8\n'),
      'drive-01/lidar.pcd': Buffer.alloc(4096, 7),
      'notes/empty.txt': Buffer.alloc(0),
    };
    files = {};
    const unsorted = Object.entries(contents).map(([path, bytes], i) => {
      files[path] = join(dir, `file-${i}`);
      writeFileSync(files[path], bytes);
      return { datasetId, version, captureId: randomUUID(), sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, path };
    });
    const built = manifestLeaves(unsorted);
    entries = built.entries;
    const tree = buildMerkleTree(built.leaves);
    root = toHex(tree.root);
    const proofs = new Map(entries.map((entry, index) => [entry.path, merkleProof(tree, index).map(toHex)]));

    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const prefix = `/v1/datasets/${datasetId}`;
      if (req.method === 'POST' && url.pathname === '/rpc') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          const request = JSON.parse(body) as RpcRequest;
          rpcRequests.push(request);
          const found = request.method === 'getTransaction' && request.params[0] === SIGNATURE;
          json(res, 200, {
            jsonrpc: '2.0',
            id: request.id,
            result: found
              ? {
                  slot: 41,
                  meta: { err: null, status: { Ok: null } },
                  transaction: {
                    signatures: [SIGNATURE],
                    message: {
                      instructions: [
                        { program: 'spl-memo', programId: MEMO_PROGRAM, parsed: served.memo, stackHeight: null },
                        { program: 'system', programId: '11111111111111111111111111111111', parsed: { type: 'transfer', info: { lamports: 0 } } },
                      ],
                    },
                  },
                }
              : null,
          });
        });
        return;
      }
      if (url.pathname === `${prefix}/versions/${version}/manifest`) {
        json(res, 200, { datasetId, version, merkleRoot: root, leafEncoding: 'dsv1', files: served.manifestFiles });
        return;
      }
      if (url.pathname === `${prefix}/versions/${version}/proof`) {
        const path = url.searchParams.get('path') ?? '';
        const entry = entries.find((candidate) => candidate.path === path);
        if (!entry) {
          json(res, 404, { statusCode: 404, error: 'Not Found', code: 'FILE_NOT_FOUND', message: 'no such file' });
          return;
        }
        json(res, 200, { datasetId, version, path, leaf: manifestLeafString(entry), leafHash: 'ignored', proof: proofs.get(path), merkleRoot: root });
        return;
      }
      if (url.pathname === `${prefix}/provenance`) {
        json(res, 200, {
          datasetId,
          versions: [
            { version: 1, merkleRoot: 'f'.repeat(64), anchor: null },
            {
              version,
              merkleRoot: root,
              anchor: {
                status: 'confirmed',
                cluster: 'litesvm',
                signature: SIGNATURE,
                slot: 41,
                memo: served.memo,
                confirmedAt: new Date().toISOString(),
              },
            },
          ],
          custody: { entries: [], verification: { ok: true } },
        });
        return;
      }
      if (url.pathname === `/v1/chain/memos/${SIGNATURE}`) {
        json(res, 200, { cluster: 'litesvm', signature: SIGNATURE, memo: served.memo });
        return;
      }
      json(res, 404, { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `Cannot ${req.method} ${url.pathname}` });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    served = { memo: formatMemoRecord({ kind: 'anchor', datasetId, version, root }), manifestFiles: entries };
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ['--api', api, '--dataset', datasetId, '--version', String(version)];
  const allFiles = () => Object.values(files);

  it('passes every check for untouched files, reading the memo through the marketplace API', async () => {
    const result = await verify([...base(), ...allFiles()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`OK   memo read from the marketplace API: mkt:v1:anchor:${datasetId}:2:${root}`);
    expect(result.stdout).toContain(`OK   memo names dataset ${datasetId} version 2`);
    for (const [path, file] of Object.entries(files)) {
      expect(result.stdout).toContain(`OK   ${file}: sha256`);
      expect(result.stdout).toContain(`= manifest entry "${path}"`);
      expect(result.stdout).toContain(`OK   ${file}: Merkle proof`);
    }
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^RESULT: OK \(\d+ checks passed\)$/);
  });

  it('reads the memo straight from the cluster with --rpc (getTransaction, jsonParsed)', async () => {
    const result = await verify([...base(), '--rpc', `${api}/rpc`, files['drive-01/imu.csv']]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`OK   memo read from the cluster at ${api}/rpc`);
    expect(rpcRequests.at(-1)).toMatchObject({
      method: 'getTransaction',
      params: [SIGNATURE, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 }],
    });
  });

  it('fails a file whose bytes were changed', async () => {
    const tampered = join(dir, 'tampered.pcd');
    const bytes = readFileSync(files['drive-01/lidar.pcd']);
    bytes[100] ^= 0xff;
    writeFileSync(tampered, bytes);
    const result = await verify([...base(), files['drive-01/imu.csv'], tampered]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`OK   ${files['drive-01/imu.csv']}: Merkle proof`);
    expect(result.stdout).toMatch(new RegExp(`FAIL ${tampered}: sha256 [0-9a-f]{64}, 4096 bytes match no manifest entry`));
    expect(result.stdout).toMatch(/RESULT: FAIL \(1 of \d+ checks failed\)/);
  });

  it('rebuilds the leaf itself: a manifest that vouches for changed bytes still fails the proof', async () => {
    const tampered = join(dir, 'tampered.csv');
    writeFileSync(tampered, 't,ax,ay,az\n0,0.1,0.2,9.9\n');
    const sha256 = createHash('sha256').update(readFileSync(tampered)).digest('hex');
    served.manifestFiles = entries.map((entry) => (entry.path === 'drive-01/imu.csv' ? { ...entry, sha256 } : entry));
    const result = await verify([...base(), tampered]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`OK   ${tampered}: sha256 ${sha256}`);
    expect(result.stdout).toMatch(
      new RegExp(`FAIL ${tampered}: Merkle proof \\(\\d siblings\\) folds to [0-9a-f]{64}, not the anchored root ${root}`),
    );
  });

  it('fails when the memo on the chain holds another root', async () => {
    const otherRoot = createHash('sha256').update('another manifest').digest('hex');
    served.memo = formatMemoRecord({ kind: 'anchor', datasetId, version, root: otherRoot });
    const result = await verify([...base(), '--rpc', `${api}/rpc`, files['notes/empty.txt']]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`FAIL memo root ${otherRoot} differs from the manifest root`);
    expect(result.stdout).toContain(`not the anchored root ${otherRoot}`);
  });

  it('fails when the memo anchors another version of the dataset', async () => {
    served.memo = formatMemoRecord({ kind: 'anchor', datasetId, version: 1, root });
    const result = await verify([...base(), files['drive-01/cam front/frame_000001.jpg']]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`FAIL memo names dataset ${datasetId} version 1, expected dataset ${datasetId} version 2`);
    expect(result.stdout).toContain('but there is no anchored root to compare with');
  });

  it('fails on a memo that is not an anchor record, and explains its usage', async () => {
    served.memo = 'hello';
    const notAnchor = await verify([...base(), files['drive-01/imu.csv']]);
    expect(notAnchor.code).toBe(1);
    expect(notAnchor.stdout).toContain('FAIL memo is an anchor record');
    const usage = await verify(['--api', api, files['drive-01/imu.csv']]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage: node scripts/verify-download.mjs --api');
  });
});

describe('scripts/verify-download.mjs against the real service and its embedded ledger (e2e)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
    await t.app.listen(0, '127.0.0.1');
    dir = mkdtempSync(join(tmpdir(), 'verify-download-real-'));
  }, 60_000);
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies files of a published version against the anchor the job recorded', async () => {
    const login = await t.http().post('/v1/auth/login').send({ email: 'root@marketplace.test', password: 'correct-horse-battery' }).expect(200);
    const admin = { Authorization: `Bearer ${(login.body as AuthTokenResponse).accessToken}` };
    const register = await t
      .http()
      .post('/v1/auth/register')
      .send({ email: 'carla@example.com', password: 'a-long-password', role: 'contributor' })
      .expect(201);
    const carla = (register.body as AuthTokenResponse).accessToken;
    const contents = [nmeaLog(40), csvTelemetry(200)];
    const captureIds = [
      await uploadCapture(t, carla, contents[0], { filename: 'drive.nmea' }),
      await uploadCapture(t, carla, contents[1], { filename: 'can.csv' }),
    ];
    for (const id of captureIds) expect((await settled(t, carla, id)).status).toBe('ready');
    const [licence] = (await t.http().get('/v1/licences').expect(200)).body as LicenceTemplateResponse[];
    const created = await t
      .http()
      .post('/v1/datasets')
      .set({ Authorization: `Bearer ${carla}` })
      .send({
        title: 'Verifier run',
        description: 'Two captures, published and anchored, then checked with the standalone script.',
        captureIds,
        licenceTemplateId: licence.id,
        priceUsdCents: 1_000,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);
    const datasetId = (created.body as DatasetResponse).id;
    await t
      .http()
      .post(`/v1/datasets/${datasetId}/submit`)
      .set({ Authorization: `Bearer ${carla}` })
      .expect(200);
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(admin).send({}).expect(200);

    const deadline = Date.now() + 20_000;
    for (;;) {
      const provenance = await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200);
      const { versions } = provenance.body as ProvenanceResponse;
      if (versions[0]?.anchor?.status === 'confirmed') break;
      if (Date.now() > deadline) throw new Error(`not anchored: ${JSON.stringify(versions)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const downloaded = contents.map((bytes, i) => {
      const file = join(dir, `download-${i}`);
      writeFileSync(file, bytes);
      return file;
    });
    const address = t.app.getHttpServer().address() as AddressInfo;
    const result = await verify(['--api', `http://127.0.0.1:${address.port}`, '--dataset', datasetId, '--version', '1', ...downloaded]);
    expect(result.stdout).not.toContain('FAIL');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`OK   memo read from the marketplace API: mkt:v1:anchor:${datasetId}:1:`);
    expect(result.stdout.match(/: Merkle proof \(\d+ siblings\) folds to [0-9a-f]{64}, the anchored root/g)).toHaveLength(2);
  });
});
