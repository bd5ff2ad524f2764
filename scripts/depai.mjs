#!/usr/bin/env node
/**
 * The marketplace's download client: `npx depai pull <orderId>` fetches every file of a paid order, in parallel and
 * resumable, and checks each one against the dataset version's Merkle root anchored on-chain.
 *
 *   npx depai pull <orderId> [--out <dir>] [--api <url>] [--token <jwt> | --api-key <key>] [--parallel 4] [--rpc <url>]
 *
 * The credentials may come from DEPAI_TOKEN / DEPAI_API_KEY instead (kept out of process lists), the API from
 * DEPAI_API (default http://localhost:3000). Files land under `<out>/data/<path>`; each arrives in `<file>.part` and is
 * renamed only once its SHA-256 matches the manifest, so a run that is stopped (Ctrl-C, a dropped connection, a killed
 * process) continues where it was with an HTTP Range request the next time; files already there are hashed, not
 * fetched again. Beside the data: manifest.json, licence-certificate.json (its Ed25519 signature checked against
 * GET /v1/platform/keys) and croissant.jsonld when the marketplace serves one. Every check is a line on stdout (as in
 * scripts/verify-download.mjs, whose checks it shares); progress goes to stderr. Exit code 0 only when every file
 * verifies.
 */
// @ts-check
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { base58 } from '@scure/base';
import { HttpError, getJson, messageOf, readAnchoredRoot, readManifest, verifyProof } from './download-verification.mjs';

/**
 * @typedef {import('./download-verification.mjs').ManifestFile} ManifestFile
 * @typedef {{ path: string, sizeBytes: number, sha256: string, url: string }} DownloadFile
 * @typedef {{ id: string, status: string, datasetId: string, version: number, datasetTitle?: string }} Order
 * @typedef {{ payload: string, signature: string, publicKey: string }} Certificate
 */

const USAGE = `usage: npx depai pull <orderId> [--out <dir>] [--api <url>] [--token <jwt> | --api-key <key>] [--parallel <n>] [--rpc <solana rpc url>]
  credentials may also come from DEPAI_TOKEN or DEPAI_API_KEY, the API from DEPAI_API (default http://localhost:3000)`;
const ATTEMPTS = 4;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

let failures = 0;
let passes = 0;
/** @param {boolean} ok @param {string} message */
function report(ok, message) {
  if (ok) passes += 1;
  else failures += 1;
  progress.clear();
  console.log(`${ok ? 'OK  ' : 'FAIL'} ${message}`);
  return ok;
}

/** @param {string} message */
function note(message) {
  progress.clear();
  console.error(message);
}

/** @returns {never} */
function finish() {
  progress.stop();
  console.log(failures === 0 ? `RESULT: OK (${passes} checks passed)` : `RESULT: FAIL (${failures} of ${passes + failures} checks failed)`);
  process.exit(failures === 0 ? 0 : 1);
}

/** @param {string} message @returns {never} */
function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function options() {
  /** @type {ReturnType<typeof parseArgs<{ options: Record<string, { type: 'string' | 'boolean' }>, allowPositionals: true }>>} */
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        out: { type: 'string' },
        api: { type: 'string' },
        token: { type: 'string' },
        'api-key': { type: 'string' },
        parallel: { type: 'string' },
        rpc: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return usageError(messageOf(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [command, orderId, ...rest] = positionals;
  if (command !== 'pull' || !orderId || rest.length > 0) return usageError('the command is `pull <orderId>`');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orderId)) return usageError(`${orderId} is not an order id (a UUID)`);
  const str = (/** @type {unknown} */ value) => (typeof value === 'string' && value !== '' ? value : undefined);
  const token = str(values.token) ?? str(process.env.DEPAI_TOKEN);
  const apiKey = str(values['api-key']) ?? str(process.env.DEPAI_API_KEY);
  if (!token && !apiKey) return usageError('give --token or --api-key (or set DEPAI_TOKEN / DEPAI_API_KEY)');
  const parallel = Number(str(values.parallel) ?? 4);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 32) return usageError('--parallel takes a whole number from 1 to 32');
  /** @type {Record<string, string>} */
  const headers = token ? { authorization: `Bearer ${token}` } : { 'x-api-key': /** @type {string} */ (apiKey) };
  return {
    orderId,
    api: (str(values.api) ?? str(process.env.DEPAI_API) ?? 'http://localhost:3000').replace(/\/+$/, ''),
    out: resolve(str(values.out) ?? `order-${orderId}`),
    rpc: str(values.rpc),
    parallel,
    headers,
  };
}

// ---- progress on stderr: one bar, redrawn in place on a terminal, a line every few seconds otherwise ----

const progress = {
  total: 0,
  done: 0,
  files: 0,
  filesDone: 0,
  started: performance.now(),
  /** @type {NodeJS.Timeout | undefined} */
  timer: undefined,
  drawn: false,
  tty: process.stderr.isTTY,
  /** @param {number} total @param {number} files */
  start(total, files) {
    Object.assign(this, { total, files, started: performance.now() });
    this.timer = setInterval(
      () => {
        this.draw();
      },
      this.tty ? 200 : 3000,
    );
    this.timer.unref();
  },
  line() {
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / 1e6 / seconds : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatBytes(this.done)} of ${formatBytes(this.total)}  ${rate.toFixed(1)} MB/s  ${this.filesDone}/${this.files} files`;
  },
  draw() {
    if (this.tty) {
      process.stderr.write(`\r${this.line()}\u001b[K`);
      this.drawn = true;
    } else process.stderr.write(`${this.line()}\n`);
  },
  clear() {
    if (this.tty && this.drawn) process.stderr.write('\r\u001b[K');
    this.drawn = false;
  },
  stop() {
    clearInterval(this.timer);
    if (this.files > 0) {
      this.clear();
      process.stderr.write(`${this.line()}\n`);
      this.files = 0;
    }
  },
};

/** @param {number} bytes */
function formatBytes(bytes) {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

// ---- one file ----

/**
 * Where a manifest path goes under `dataDir`; null for a path that would leave it (`..`, absolute, empty parts).
 * @param {string} dataDir
 * @param {string} path
 */
function targetOf(dataDir, path) {
  if (path === '' || path.includes('\0') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  const target = resolve(dataDir, ...path.split('/'));
  return relative(dataDir, target).startsWith('..') || !target.startsWith(dataDir + sep) ? null : target;
}

/**
 * SHA-256 and size of the first bytes of a file already on disk (a .part being resumed), into `hash`.
 * @param {string} path
 * @param {import('node:crypto').Hash} hash
 */
async function hashInto(path, hash) {
  let size = 0;
  /** @type {AsyncIterable<Buffer>} */
  const chunks = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const bytes of chunks) {
    size += bytes.length;
    hash.update(bytes);
  }
  return size;
}

/** @param {string} path */
const sizeOf = (path) =>
  stat(path).then(
    (info) => (info.isFile() ? info.size : null),
    () => null,
  );

/**
 * Fetches one file into `<target>.part`, resuming from the bytes already there, hashing as it writes; renames it to
 * `target` once hash and size match the order's listing (a file that does not match is removed). Answers what was
 * measured and how many bytes an earlier run had already fetched.
 * @param {DownloadFile} file
 * @param {string} target
 * @param {() => Promise<string>} renewUrl a fresh signed URL, for one that has expired meanwhile
 * @returns {Promise<{ sha256: string, size: number, resumedFrom: number }>}
 */
async function download(file, target, renewUrl) {
  const part = `${target}.part`;
  await mkdir(dirname(target), { recursive: true });
  let url = file.url;
  let retriedFromZero = false;
  for (let attempt = 1; ; attempt += 1) {
    let have = (await sizeOf(part)) ?? 0;
    if (have > file.sizeBytes) {
      await rm(part, { force: true });
      have = 0;
    }
    // An empty file has nothing to fetch (a Range request could not name a byte of it): it is written here.
    if (file.sizeBytes === 0) await writeFile(part, '');
    const resumedFrom = have;
    let hash = createHash('sha256');
    if (have > 0) await hashInto(part, hash);
    let counted = have;
    progress.done += have;
    try {
      if (have < file.sizeBytes) {
        const response = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {} });
        if (response.status === 403 && attempt < ATTEMPTS) {
          progress.done -= counted;
          url = await renewUrl();
          continue;
        }
        if (response.status !== 200 && response.status !== 206) {
          throw new HttpError(`GET ${file.path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`, response.status);
        }
        const rangeStart = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
        if (response.status === 206 && Number(rangeStart) !== have) throw new Error(`GET ${file.path} answered a range other than bytes=${have}-`);
        const append = response.status === 206;
        if (!append && have > 0) {
          // The server sent the whole file (it ignored the Range header): start the file again.
          progress.done -= have;
          counted = 0;
          hash = createHash('sha256');
        }
        if (!response.body) throw new Error(`GET ${file.path} answered no body`);
        const body = Readable.fromWeb(/** @type {import('node:stream/web').ReadableStream<Uint8Array>} */ (response.body));
        const inspect = async function* (/** @type {AsyncIterable<Buffer>} */ source) {
          for await (const chunk of source) {
            hash.update(chunk);
            progress.done += chunk.length;
            counted += chunk.length;
            yield chunk;
          }
        };
        await pipeline(body, inspect, createWriteStream(part, { flags: append ? 'a' : 'w', highWaterMark: 1 << 20 }));
      }
      const sha256 = hash.digest('hex');
      const size = (await sizeOf(part)) ?? 0;
      const matches = sha256 === file.sha256 && size === file.sizeBytes;
      if (!matches && resumedFrom > 0 && !retriedFromZero) {
        // The bytes kept from an earlier run may be what is wrong: fetch the whole file once more before failing it.
        note(`${file.path}: the resumed file does not match its listed SHA-256; fetching it again from the start`);
        progress.done -= counted;
        await rm(part, { force: true });
        retriedFromZero = true;
        continue;
      }
      if (matches) await rename(part, target);
      else await rm(part, { force: true });
      return { sha256, size, resumedFrom };
    } catch (error) {
      // What reached the disk stays in the .part file for the next attempt (or the next run).
      progress.done -= counted;
      if (attempt >= ATTEMPTS || (error instanceof HttpError && error.status < 500)) throw error;
      note(`${file.path}: ${messageOf(error)}; resuming (attempt ${attempt + 1} of ${ATTEMPTS})`);
      await new Promise((done) => setTimeout(done, 250 * 2 ** attempt));
    }
  }
}

// ---- the order's extras: certificate and Croissant ----

/**
 * Checks the certificate's Ed25519 signature with the key the marketplace publishes, that it names this version's
 * root, and (when it names one) the grant set the public consent record lists for the version; writes it beside the
 * data.
 * @param {string} api
 * @param {Record<string, string>} headers
 * @param {string} orderId
 * @param {string} merkleRoot
 * @param {string} out
 */
async function keepCertificate(api, headers, orderId, merkleRoot, out) {
  try {
    const certificate = /** @type {Certificate} */ (await getJson(`${api}/v1/orders/${orderId}/certificate`, { headers }));
    await writeFile(join(out, 'licence-certificate.json'), `${JSON.stringify(certificate, null, 2)}\n`);
    const { publicKey } = /** @type {{ publicKey: string }} */ (await getJson(`${api}/v1/platform/keys`));
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, base58.decode(certificate.publicKey)]), format: 'der', type: 'spki' });
    const signed = verify(null, Buffer.from(certificate.payload, 'utf8'), key, base58.decode(certificate.signature));
    report(
      signed && certificate.publicKey === publicKey,
      `licence certificate: ${signed ? 'Ed25519 signature valid' : 'Ed25519 signature INVALID'}, ${certificate.publicKey === publicKey ? 'by the published platform key' : `by ${certificate.publicKey}, not the published platform key ${publicKey}`}`,
    );
    /** @type {unknown} */
    const parsed = JSON.parse(certificate.payload);
    const payload = /** @type {{ dataset?: { id?: string, version?: number, merkleRoot?: string }, consent?: { grantSetHash?: string } }} */ (parsed);
    report(payload.dataset?.merkleRoot === merkleRoot, `licence certificate names the root ${payload.dataset?.merkleRoot ?? 'none'}`);
    // Certificates issued since issue 16 name the grant set that cleared the version: the public consent record lists it.
    if (payload.consent) {
      const record = /** @type {{ versions?: { version: number, grantSetHash: string }[] }} */ (
        await getJson(`${api}/v1/datasets/${encodeURIComponent(payload.dataset?.id ?? '')}/consent`)
      );
      const listed = record.versions?.find((entry) => entry.version === payload.dataset?.version)?.grantSetHash;
      report(
        listed !== undefined && listed === payload.consent.grantSetHash,
        `licence certificate names the consent grant set ${payload.consent.grantSetHash ?? 'none'}${listed === payload.consent.grantSetHash ? ', as the public consent record lists it' : `, the public consent record lists ${listed ?? 'none'}`}`,
      );
    }
  } catch (error) {
    report(false, `licence certificate: ${messageOf(error)}`);
  }
}

/**
 * The dataset's Croissant description, when the marketplace serves one (a 404 is said, not failed).
 * @param {string} api
 * @param {Record<string, string>} headers
 * @param {string} datasetId
 * @param {string} out
 */
async function keepCroissant(api, headers, datasetId, out) {
  try {
    const croissant = await getJson(`${api}/v1/datasets/${encodeURIComponent(datasetId)}/croissant`, { headers });
    await writeFile(join(out, 'croissant.jsonld'), `${JSON.stringify(croissant, null, 2)}\n`);
    note('croissant.jsonld written');
  } catch (error) {
    if (error instanceof HttpError && error.status === 404)
      note('this marketplace serves no Croissant description for the dataset (404); going on without it');
    else note(`Croissant description not written: ${messageOf(error)}`);
  }
}

// ---- the run ----

/**
 * Runs `work` over `items` with at most `parallel` at a time.
 * @template T
 * @param {T[]} items
 * @param {number} parallel
 * @param {(item: T) => Promise<void>} work
 */
async function pool(items, parallel, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

async function main() {
  const { orderId, api, out, rpc, parallel, headers } = options();
  /** @type {Order} */
  let order;
  /** @type {DownloadFile[]} */
  let files;
  try {
    order = /** @type {Order} */ (await getJson(`${api}/v1/orders/${orderId}`, { headers }));
    const listed = /** @type {{ files: DownloadFile[], withdrawn?: { path: string, reason: string }[] }} */ (
      await getJson(`${api}/v1/orders/${orderId}/downloads`, { headers })
    );
    files = listed.files;
    // Files withdrawn under a licence revocable on withdrawal are no longer delivered (issue 16): say so, fetch the rest.
    for (const gone of listed.withdrawn ?? []) note(`${gone.path}: not fetched: ${gone.reason}`);
  } catch (error) {
    report(false, `order ${orderId}: ${messageOf(error)}`);
    finish();
  }
  report(true, `order ${orderId}: ${order.status}, dataset ${order.datasetId} version ${order.version}, ${files.length} files`);
  const source = { api, dataset: order.datasetId, version: order.version, rpc, headers };
  const manifest = await readManifest(source, report);
  if (!manifest) finish();
  const anchoredRoot = await readAnchoredRoot(source, manifest, report);

  const dataDir = join(out, 'data');
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await keepCertificate(api, headers, orderId, manifest.merkleRoot, out);
  await keepCroissant(api, headers, order.datasetId, out);

  const entries = new Map((manifest.files ?? []).map((entry) => [entry.path, entry]));
  const renewUrl = async (/** @type {string} */ path) => {
    const fresh = /** @type {{ files: DownloadFile[] }} */ (await getJson(`${api}/v1/orders/${orderId}/downloads`, { headers })).files;
    const url = fresh.find((candidate) => candidate.path === path)?.url;
    if (!url) throw new Error(`the order no longer lists ${path}`);
    return url;
  };
  progress.start(
    files.reduce((sum, file) => sum + file.sizeBytes, 0),
    files.length,
  );
  await pool(files, parallel, async (file) => {
    const entry = entries.get(file.path);
    const target = targetOf(dataDir, file.path);
    if (!entry || !target || entry.sha256 !== file.sha256 || entry.sizeBytes !== file.sizeBytes) {
      report(
        false,
        `${file.path}: ${!target ? 'not a safe relative path' : !entry ? 'not in the version manifest' : 'listed with another hash or size than the manifest'}`,
      );
      return;
    }
    try {
      /** @type {{ sha256: string, size: number, resumedFrom: number }} */
      let local;
      const kept = await sizeOf(target);
      if (kept === file.sizeBytes) {
        const hash = createHash('sha256');
        await hashInto(target, hash);
        local = { sha256: hash.digest('hex'), size: kept, resumedFrom: kept };
        progress.done += kept;
        if (local.sha256 !== file.sha256) {
          note(`${file.path}: the copy already here does not match; fetching it again`);
          progress.done -= kept;
          await rm(target, { force: true });
          local = await download(file, target, () => renewUrl(file.path));
        }
      } else {
        if (kept !== null) await rm(target, { force: true });
        local = await download(file, target, () => renewUrl(file.path));
      }
      progress.filesDone += 1;
      const how = local.resumedFrom === 0 ? 'downloaded' : local.resumedFrom >= local.size ? 'already here' : `resumed at byte ${local.resumedFrom}`;
      if (
        !report(
          local.sha256 === entry.sha256 && local.size === entry.sizeBytes,
          `${file.path}: ${how}, sha256 ${local.sha256}, ${local.size} bytes ${local.sha256 === entry.sha256 && local.size === entry.sizeBytes ? '= the manifest entry' : `!= the manifest's ${entry.sha256}, ${entry.sizeBytes} bytes (not kept)`}`,
        )
      ) {
        return;
      }
      await verifyProof(source, entry, local, anchoredRoot, file.path, report);
    } catch (error) {
      report(false, `${file.path}: ${messageOf(error)}`);
    }
  });
  progress.stop();
  note(`files are in ${dataDir}`);
  finish();
}

main().catch((/** @type {unknown} */ error) => {
  report(false, `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  finish();
});
