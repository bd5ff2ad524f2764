// Capture uploads from the contributor page: hash the file, open a capture, PUT its parts to the presigned URLs the API
// answers (XMLHttpRequest, for upload progress events), complete it. Every step is written down as it happens
// (localStorage: the plan and each finished part's ETag; IndexedDB: the File itself), so after a reload the page can
// continue with the parts still missing instead of starting again.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { api, ApiError, sameOriginUrl } from './api.js';
/** @import { Capture, CaptureUpload, CreatedCapture } from '../../types/api' */

const RECORDS_KEY = 'marketplace.uploads';
const DB_NAME = 'marketplace-uploads';
const STORE = 'files';
/** Slices hashed at a time: big enough to be quick, small enough that memory stays flat for any file size. */
const HASH_SLICE_BYTES = 4 * 1024 * 1024;
const PART_ATTEMPTS = 4;

/**
 * What the page remembers of an unfinished upload.
 * @typedef {object} UploadRecord
 * @property {string} key
 * @property {string} userId
 * @property {string} name
 * @property {number} size
 * @property {number} lastModified
 * @property {number} startedAt
 * @property {string | null} sha256 set once the file is hashed
 * @property {string | null} captureId set once the capture is opened, with partSizeBytes and partCount
 * @property {number | null} partSizeBytes
 * @property {number | null} partCount
 * @property {Record<string, string>} etags part number -> the ETag the store answered for it
 * @property {boolean} [fileKept]
 */

/** @typedef {{ phase: 'hashing' | 'uploading' | 'completing', done: number, total: number }} UploadProgress */

// ---- the records of unfinished uploads (localStorage) ----

/** @returns {Record<string, UploadRecord>} */
function readRecords() {
  try {
    const value = /** @type {unknown} */ (JSON.parse(localStorage.getItem(RECORDS_KEY) ?? '{}'));
    // Only this page writes the key: an object there is a map of its own records.
    return typeof value === 'object' && value !== null ? /** @type {Record<string, UploadRecord>} */ (value) : {};
  } catch {
    return {};
  }
}

/** @param {Record<string, UploadRecord>} records */
function writeRecords(records) {
  localStorage.setItem(RECORDS_KEY, JSON.stringify(records));
}

/**
 * Unfinished uploads of this user, oldest first.
 * @param {string} userId
 */
export function pendingUploads(userId) {
  return Object.values(readRecords())
    .filter((record) => record.userId === userId)
    .sort((a, b) => a.startedAt - b.startedAt);
}

/** @param {UploadRecord} record */
function saveRecord(record) {
  writeRecords({ ...readRecords(), [record.key]: record });
}

/** @param {string} key */
function dropRecord(key) {
  writeRecords(Object.fromEntries(Object.entries(readRecords()).filter(([k]) => k !== key)));
}

/**
 * Name, size and modification time: how a file picked again is recognised as the same file. An adopted upload (see
 * adoptUpload) does not know the time (0): name and size, and the server checks the SHA-256 on completion.
 * @param {UploadRecord} record
 * @param {File} file
 */
export const sameFile = (record, file) =>
  file.name === record.name && file.size === record.size && (record.lastModified === 0 || file.lastModified === record.lastModified);

/**
 * Bytes of the parts already sent.
 * @param {UploadRecord} record
 */
export function sentBytes(record) {
  const partSize = record.partSizeBytes ?? 0;
  return Object.keys(record.etags).reduce((sum, n) => sum + Math.max(0, Math.min(record.size, Number(n) * partSize) - (Number(n) - 1) * partSize), 0);
}

// ---- the files themselves (IndexedDB keeps a File by structured clone, so it survives a reload) ----

/** @type {Promise<IDBDatabase> | undefined} */
let database;
function openDatabase() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB would not open'));
    };
  });
  return database;
}

/**
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest} action
 * @returns {Promise<unknown>}
 */
async function fileStore(mode, action) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => {
      resolve(request.result);
    };
    transaction.onerror = () => {
      reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    };
    transaction.onabort = () => {
      reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    };
  });
}

/**
 * Keeps the file for a resume after reload; answers false when the browser refused (quota, private mode).
 * @param {string} key
 * @param {File} file
 */
async function keepFile(key, file) {
  try {
    await fileStore('readwrite', (store) => store.put(file, key));
    return true;
  } catch {
    return false;
  }
}

/**
 * The file kept for an upload, or null.
 * @param {string} key
 * @returns {Promise<File | null>}
 */
export async function storedFile(key) {
  try {
    const kept = await fileStore('readonly', (store) => store.get(key));
    return kept instanceof File ? kept : null;
  } catch {
    return null;
  }
}

/** @param {string} key */
async function forgetFile(key) {
  try {
    await fileStore('readwrite', (store) => store.delete(key));
  } catch {
    // Nothing kept, nothing to free.
  }
}

/**
 * Takes over an unfinished upload this browser has no record of (started in another browser, or its storage was
 * cleared), so it can be resumed here: the same file picked again sends every part anew. Answers its record.
 * @param {string} userId
 * @param {Capture} capture an uploading capture of the user
 * @returns {Promise<UploadRecord>}
 */
export async function adoptUpload(userId, capture) {
  /** @type {CaptureUpload} */
  const plan = await api(`/v1/captures/${capture.id}/upload`);
  /** @type {UploadRecord} */
  const record = {
    key: bytesToHex(randomBytes(16)),
    userId,
    name: capture.filename,
    size: capture.sizeBytes,
    lastModified: 0,
    startedAt: Date.now(),
    sha256: capture.sha256,
    captureId: capture.id,
    partSizeBytes: plan.partSizeBytes,
    partCount: plan.parts.length,
    etags: {},
  };
  saveRecord(record);
  return record;
}

/**
 * Discards an unfinished upload on the server at once (its parts leave storage), then forgets it here. An upload that
 * is not uploading any more (completed, expired, discarded elsewhere) is only forgotten.
 * @param {{ key?: string, captureId: string | null }} upload
 */
export async function discardOnServer(upload) {
  if (upload.captureId) {
    try {
      await api(`/v1/captures/${upload.captureId}/upload`, { method: 'DELETE' });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
  if (upload.key) await discardUpload(upload.key);
}

/**
 * Forgets an unfinished upload (the capture on the server expires by itself).
 * @param {string} key
 */
export async function discardUpload(key) {
  dropRecord(key);
  await forgetFile(key);
}

// ---- hashing ----

/**
 * SHA-256 of a File as lowercase hex, slice by slice: WebCrypto's digest needs the whole file in one buffer, which a
 * multi-gigabyte capture cannot be (and it is missing where the page is not a secure context).
 * @param {Blob} file
 * @param {(bytesHashed: number) => void} onProgress
 */
async function hashFile(file, onProgress) {
  const hasher = sha256.create();
  for (let offset = 0; offset < file.size; offset += HASH_SLICE_BYTES) {
    // Each slice is read and dropped in turn; awaiting the read also lets the page repaint the progress bar.
    hasher.update(new Uint8Array(await file.slice(offset, offset + HASH_SLICE_BYTES).arrayBuffer()));
    onProgress(Math.min(file.size, offset + HASH_SLICE_BYTES));
  }
  return bytesToHex(hasher.digest());
}

// ---- parts ----

class PartError extends Error {
  /**
   * @param {number} status the store's HTTP status; 0 when the connection failed
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'PartError';
    this.status = status;
  }
}

/**
 * A field of a JSON body, when the body is JSON with that string field.
 * @param {string} text
 * @param {string} name
 */
function jsonField(text, name) {
  try {
    const body = /** @type {unknown} */ (JSON.parse(text));
    const value = typeof body === 'object' && body !== null && name in body ? /** @type {Record<string, unknown>} */ (body)[name] : undefined;
    return typeof value === 'string' ? value : null;
  } catch {
    // Not JSON (S3 answers XML).
    return null;
  }
}

/**
 * PUTs one part; answers the ETag the store gave it.
 * @param {string} url
 * @param {Blob} body
 * @param {(bytesSentOfThisPart: number) => void} onProgress
 * @returns {Promise<string>}
 */
function putPart(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      onProgress(event.loaded);
    };
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(new PartError(xhr.status, jsonField(xhr.responseText, 'message') ?? `the store answered ${xhr.status}`));
        return;
      }
      // S3 must expose ETag to this origin (its CORS ExposeHeaders); the local store also puts it in the body.
      const etag = xhr.getResponseHeader('ETag') ?? jsonField(xhr.responseText, 'etag');
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

/** @param {number} ms */
const pause = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

// ---- one upload ----

/**
 * A new upload of `file` by `userId`: recorded (and the file kept) before anything else happens, so a reload at any
 * point finds it. Answers the record to pass to runUpload.
 * @param {string} userId
 * @param {File} file
 * @returns {Promise<UploadRecord>}
 */
export async function startUpload(userId, file) {
  /** @type {UploadRecord} */
  const record = {
    // Not crypto.randomUUID: it exists only in secure contexts, and the pages also run on plain http.
    key: bytesToHex(randomBytes(16)),
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
 * parts without an ETag, then completion. Answers the capture as POST complete answers it. Throws on failure; the
 * record stays for a later resume.
 * @param {UploadRecord} record
 * @param {File} file
 * @param {(progress: UploadProgress) => void} onProgress
 * @returns {Promise<Capture>}
 */
export async function runUpload(record, file, onProgress) {
  if (!sameFile(record, file)) throw new Error(`that is not ${record.name} (${record.size} bytes)`);
  if (!record.sha256) {
    onProgress({ phase: 'hashing', done: 0, total: file.size });
    record.sha256 = await hashFile(file, (done) => {
      onProgress({ phase: 'hashing', done, total: file.size });
    });
    saveRecord(record);
  }
  /** @type {CaptureUpload} */
  let plan;
  let captureId = record.captureId;
  if (!captureId) {
    /** @type {CreatedCapture} */
    const created = await api('/v1/captures', { method: 'POST', body: { filename: file.name, sizeBytes: file.size, sha256: record.sha256 } });
    plan = created.upload;
    captureId = created.id;
    Object.assign(record, { captureId, partSizeBytes: plan.partSizeBytes, partCount: plan.parts.length, etags: {} });
    saveRecord(record);
  } else {
    // Part URLs expire (PRESIGN_TTL_SECONDS): a resume always asks for fresh ones.
    try {
      plan = await api(`/v1/captures/${captureId}/upload`);
    } catch (error) {
      // No longer uploading: completed just before a reload, or expired (rejected as upload_abandoned). Either way
      // there is nothing left to send; the capture list says what became of it.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      await discardUpload(record.key);
      return api(`/v1/captures/${captureId}`);
    }
  }
  const partSize = plan.partSizeBytes;
  const partCount = plan.parts.length;
  onProgress({ phase: 'uploading', done: sentBytes(record), total: file.size });
  for (const part of plan.parts) {
    if (part.partNumber in record.etags) continue;
    const body = file.slice((part.partNumber - 1) * partSize, part.partNumber * partSize);
    let url = sameOriginUrl(part.url);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const before = sentBytes(record);
        record.etags[part.partNumber] = await putPart(url, body, (sent) => {
          onProgress({ phase: 'uploading', done: before + Math.min(sent, body.size), total: file.size });
        });
        saveRecord(record);
        break;
      } catch (error) {
        if (!(error instanceof PartError) || attempt >= PART_ATTEMPTS || (error.status !== 0 && error.status !== 403 && error.status < 500)) {
          throw new Error(`Part ${part.partNumber} of ${partCount} failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        // 403: the signed URL expired while waiting; any other failure: the network or the store, worth another try.
        if (error.status === 403) {
          /** @type {CaptureUpload} */
          const fresh = await api(`/v1/captures/${captureId}/upload`);
          const renewed = fresh.parts.find((p) => p.partNumber === part.partNumber)?.url;
          if (renewed) url = sameOriginUrl(renewed);
        } else await pause(500 * 2 ** attempt);
      }
    }
    onProgress({ phase: 'uploading', done: sentBytes(record), total: file.size });
  }
  onProgress({ phase: 'completing', done: file.size, total: file.size });
  const parts = Object.entries(record.etags)
    .map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag }))
    .sort((a, b) => a.partNumber - b.partNumber);
  /** @type {Capture} */
  let capture;
  try {
    capture = await api(`/v1/captures/${captureId}/complete`, { method: 'POST', body: { parts } });
  } catch (error) {
    // Completed already (a reload right after the request reached the server): the capture is on its way.
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    capture = await api(`/v1/captures/${captureId}`);
  }
  await discardUpload(record.key);
  return capture;
}
