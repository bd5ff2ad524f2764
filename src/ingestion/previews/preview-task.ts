import type { ObjectStorageSettings } from '../../storage/object-storage.settings.js';
import type { PreviewSubject } from './preview-generator.js';

/** One job for a preview thread: make the preview of the verified object at `key`. */
export interface PreviewTask {
  key: string;
  subject: PreviewSubject;
  /** A video's DJI SRT sidecar (same owner, same name but the extension): its verified object and file name. */
  sidecar?: { key: string; filename: string };
}

/** What every preview thread starts with. */
export interface PreviewData {
  storage: ObjectStorageSettings;
}
