// Capture uploads from the contributor page: hash the file, open a capture, PUT its parts to the presigned URLs the API
// answers (XMLHttpRequest, for upload progress events), complete it. Every step is written down as it happens
// (localStorage: the plan and each finished part's ETag; IndexedDB: the File itself), so after a reload the page can
// continue with the parts still missing instead of starting again.
import { api, ApiError } from './api.js';
import { Sha256, toHex } from './incremental-sha256.js';

const RECORDS_KEY = 'marketplace.uploads';
const DB_NAME = 'marketplace-uploads';
const STORE = 'files';
/** Slices hashed at a time: big enough to be quick, small enough that memory stays flat for any file size. */
const HASH_SLICE_BYTES = 4 * 1024 * 1024;
/** Files up to this size are hashed by WebCrypto in one buffer (fast, native); larger ones slice by slice. */
const WEBCRYPTO_MAX_BYTES = 16 * 1024 * 1024;
const PART_ATTEMPTS = 4;

// ---- the records of unfinished uploads (localStorage) ----

function readRecords() {
  try {
    const value = JSON.parse(localStorage.getItem(RECORDS_KEY) ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

function writeRecords(records) {
  localStorage.setItem(RECORDS_KEY, JSON.stringify(records));
}

/** Unfinished uploads of this user, oldest first. */
export function pendingUploads(userId) {
  return Object.values(readRecords())
    .filter((record) => record.userId === userId)
    .sort((a, b) => a.startedAt - b.startedAt);
}

function saveRecord(record) {
  const records = readRecords();
  records[record.key] = record;
  writeRecords(records);
}

function dropRecord(key) {
  const records = readRecords();
  delete records[key];
  writeRecords(records);
}

/** Name, size and modification time: how a file picked again is recognised as the same file. */
export const sameFile = (record, file) => file.name === record.name && file.size === record.size && file.lastModified === record.lastModified;

// ---- the files themselves (IndexedDB keeps a File by structured clone, so it survives a reload) ----

let database;
function openDatabase() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error);
    };
  });
  return database;
}

async function fileStore(mode, action) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => {
      resolve(request.result);
    };
    transaction.onerror = () => {
      reject(transaction.error);
    };
    transaction.onabort = () => {
      reject(transaction.error);
    };
  });
}

/** Keeps the file for a resume after reload; answers false when the browser refused (quota, private mode). */
async function keepFile(key, file) {
  try {
    await fileStore('readwrite', (store) => store.put(file, key));
    return true;
  } catch {
    return false;
  }
}

export async function storedFile(key) {
  try {
    return (await fileStore('readonly', (store) => store.get(key))) ?? null;
  } catch {
    return null;
  }
}

async function forgetFile(key) {
  try {
    await fileStore('readwrite', (store) => store.delete(key));
  } catch {
    // Nothing kept, nothing to free.
  }
}

/** Forgets an unfinished upload (the capture on the server expires by itself). */
export async function discardUpload(key) {
  dropRecord(key);
  await forgetFile(key);
}

// ---- hashing ----

/** SHA-256 of a File as lowercase hex; onProgress(bytesHashed). */
export async function hashFile(file, onProgress = () => {}) {
  if (globalThis.crypto?.subtle && file.size <= WEBCRYPTO_MAX_BYTES) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    onProgress(file.size);
    return toHex(new Uint8Array(digest));
  }
  const hasher = new Sha256();
  for (let offset = 0; offset < file.size; offset += HASH_SLICE_BYTES) {
    // Each slice is read and dropped in turn; awaiting the read also lets the page repaint the progress bar.
    hasher.update(new Uint8Array(await file.slice(offset, offset + HASH_SLICE_BYTES).arrayBuffer()));
    onProgress(Math.min(file.size, offset + HASH_SLICE_BYTES));
  }
  return toHex(hasher.digest());
}

// ---- parts ----

class PartError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** PUTs one part; onProgress(bytesSentOfThisPart); answers the ETag the store gave it. */
function putPart(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        let message = `the store answered ${xhr.status}`;
        try {
          message = JSON.parse(xhr.responseText).message ?? message;
        } catch {
          // Not JSON (S3 answers XML): keep the status.
        }
        reject(new PartError(xhr.status, message));
        return;
      }
      // S3 must expose ETag to this origin (its CORS ExposeHeaders); the local store also puts it in the body.
      let etag = xhr.getResponseHeader('ETag');
      if (!etag) {
        try {
          etag = JSON.parse(xhr.responseText).etag ?? null;
        } catch {
          etag = null;
        }
      }
      if (etag) resolve(etag);
      else reject(new PartError(xhr.status, 'the store did not say the part ETag (is ETag in its CORS ExposeHeaders?)'));
    };
    xhr.onerror = () => {
      reject(new PartError(0, 'the connection failed'));
    };
    xhr.onabort = () => {
      reject(new PartError(0, 'the upload was stopped'));
    };
    xhr.send(body);
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- one upload ----

/**
 * A new upload of `file` by `userId`: recorded (and the file kept) before anything else happens, so a reload at any
 * point finds it. Answers the record to pass to runUpload.
 */
export async function startUpload(userId, file) {
  const record = {
    key: crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`,
    userId,
    name: file.name,
    size: file.size,
    lastModified: file.lastModified,
    startedAt: Date.now(),
    sha256: null,
    captureId: null,
    partSizeBytes: null,
    partCount: null,
    etags: {},
  };
  saveRecord(record);
  record.fileKept = await keepFile(record.key, file);
  saveRecord(record);
  return record;
}

/**
 * Runs (or resumes) an upload to the end: hashing unless already hashed, a capture unless already opened, then only the
 * parts without an ETag, then completion. onProgress({phase, done, total}) with phase hashing | uploading | completing.
 * Answers the capture as POST complete answers it. Throws on failure; the record stays for a later resume.
 */
export async function runUpload(record, file, onProgress = () => {}) {
  if (!sameFile(record, file)) throw new Error(`that is not ${record.name} (${record.size} bytes)`);
  if (!record.sha256) {
    onProgress({ phase: 'hashing', done: 0, total: file.size });
    record.sha256 = await hashFile(file, (done) => {
      onProgress({ phase: 'hashing', done, total: file.size });
    });
    saveRecord(record);
  }
  let plan;
  if (!record.captureId) {
    const created = await api('/v1/captures', { method: 'POST', body: { filename: file.name, sizeBytes: file.size, sha256: record.sha256 } });
    plan = created.upload;
    Object.assign(record, { captureId: created.id, partSizeBytes: plan.partSizeBytes, partCount: plan.parts.length, etags: {} });
    saveRecord(record);
  } else {
    // Part URLs expire (PRESIGN_TTL_SECONDS): a resume always asks for fresh ones.
    try {
      plan = await api(`/v1/captures/${record.captureId}/upload`);
    } catch (error) {
      // No longer uploading: completed just before a reload, or expired (rejected as upload_abandoned). Either way
      // there is nothing left to send; the capture list says what became of it.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      await discardUpload(record.key);
      return api(`/v1/captures/${record.captureId}`);
    }
  }
  const partSize = record.partSizeBytes;
  const partBytes = (n) => Math.max(0, Math.min(file.size, n * partSize) - (n - 1) * partSize);
  const finished = () => Object.keys(record.etags).reduce((sum, n) => sum + partBytes(Number(n)), 0);
  onProgress({ phase: 'uploading', done: finished(), total: file.size });
  for (const part of plan.parts) {
    if (record.etags[part.partNumber]) continue;
    const body = file.slice((part.partNumber - 1) * partSize, part.partNumber * partSize);
    let url = part.url;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const before = finished();
        record.etags[part.partNumber] = await putPart(url, body, (sent) => {
          onProgress({ phase: 'uploading', done: before + Math.min(sent, body.size), total: file.size });
        });
        saveRecord(record);
        break;
      } catch (error) {
        if (attempt >= PART_ATTEMPTS || !(error instanceof PartError) || (error.status !== 0 && error.status !== 403 && error.status < 500)) {
          throw new Error(`Part ${part.partNumber} of ${record.partCount} failed: ${error.message}`);
        }
        // 403: the signed URL expired while waiting; any other failure: the network or the store, worth another try.
        if (error.status === 403)
          url = (await api(`/v1/captures/${record.captureId}/upload`)).parts.find((p) => p.partNumber === part.partNumber)?.url ?? url;
        else await pause(500 * 2 ** attempt);
      }
    }
    onProgress({ phase: 'uploading', done: finished(), total: file.size });
  }
  onProgress({ phase: 'completing', done: file.size, total: file.size });
  const parts = Object.entries(record.etags)
    .map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag }))
    .sort((a, b) => a.partNumber - b.partNumber);
  let capture;
  try {
    capture = await api(`/v1/captures/${record.captureId}/complete`, { method: 'POST', body: { parts } });
  } catch (error) {
    // Completed already (a reload right after the request reached the server): the capture is on its way.
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    capture = await api(`/v1/captures/${record.captureId}`);
  }
  await discardUpload(record.key);
  return capture;
}
