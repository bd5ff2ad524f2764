import type { ObjectStorageSettings } from '../../storage/object-storage.settings.js';
import type { PreviewSubject } from './preview-generator.js';

/** One job for a preview thread: make the preview of the verified object at `key`. */
export interface PreviewTask {
  key: string;
  subject: PreviewSubject;
}

/** What every preview thread starts with. */
export interface PreviewData {
  storage: ObjectStorageSettings;
}
