import type { PreviewContent } from './preview.types.js';

/** What a generator hands back: the content, the files to store beside it, and why it is partial if it is. */
export interface GeneratedPreview {
  content: PreviewContent;
  files: { name: string; contentType: string; body: Buffer }[];
  reason: string | null;
}
