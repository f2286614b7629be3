// Tesseract (tesseract.js: WebAssembly in a worker thread) recognising page images offline.
// One recognizer per document: the worker and its language models load once, then page by page.
import type { Worker as TesseractWorker } from 'tesseract.js';
import { BscError } from '../../errors';
import { type GrayImage, toPgm } from './raster';
import { prepareLangPath } from './tessdata';

export interface RecognizedPage {
  text: string;
  /** Tesseract's mean word confidence, 0–100. */
  confidence: number;
}

export interface PageRecognizer {
  recognize(image: GrayImage, opts?: { dpi?: number }): Promise<RecognizedPage>;
  /** Ends the worker; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a tesseract worker for `languages` (data from the npm packages, never the network).
 * A fired signal terminates the worker, which rejects the recognition in flight.
 */
export async function createPageRecognizer(languages: readonly string[], signal?: AbortSignal): Promise<PageRecognizer> {
  const langPath = prepareLangPath(languages);
  const { createWorker, OEM } = (await import('tesseract.js')).default;
  let worker: TesseractWorker | null = null;
  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    const w = worker;
    worker = null;
    await w?.terminate().catch(() => undefined);
  };
  const onAbort = (): void => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // cacheMethod 'none': read the data from langPath every start, never write a cache next to the app.
    worker = await createWorker([...languages], OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
  } catch (err) {
    await close();
    if (signal?.aborted) throw new BscError('CANCELLED', 'Cancelled.');
    throw new BscError('INTERNAL', `OCR could not start (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (closed) {
    await close();
    throw new BscError('CANCELLED', 'Cancelled.');
  }
  return {
    async recognize(image, opts = {}) {
      const w = worker;
      if (!w) throw new BscError('CANCELLED', 'Cancelled.');
      // PSM 1: automatic layout with orientation and script detection, so columns and slight skew are handled.
      await w.setParameters({ user_defined_dpi: String(opts.dpi ?? 300), preserve_interword_spaces: '0' });
      try {
        const result = await w.recognize(toPgm(image));
        return { text: result.data.text ?? '', confidence: result.data.confidence ?? 0 };
      } catch (err) {
        if (signal?.aborted || closed) throw new BscError('CANCELLED', 'Cancelled.');
        throw err;
      }
    },
    close,
  };
}
