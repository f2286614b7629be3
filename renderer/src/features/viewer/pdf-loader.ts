// pdf.js in the renderer: loaded on first use (it is large), its worker bundled with the app by
// Vite (no CDN: the app runs offline and its CSP allows only its own scripts and workers), and
// the originals it reads fetched once through the contract and kept for the last few documents.
import type * as PdfJsModule from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';
// '?worker&url': Vite bundles the worker as its own .js chunk (served as JavaScript by every shell) and gives its URL.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?worker&url';
import { api } from '../../lib/api';

type PdfJs = typeof PdfJsModule;

let pdfjsLoading: Promise<PdfJs> | null = null;

/** pdf.js's module; a failed load (the app's files replaced by an update mid-session) is tried again once, then reported. */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsLoading ??= importPdfJs().catch(async () => {
    await new Promise((r) => setTimeout(r, 1500));
    return importPdfJs();
  }).catch((err: unknown) => {
    pdfjsLoading = null;
    throw err;
  });
  return pdfjsLoading;
}

async function importPdfJs(): Promise<PdfJs> {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  return pdfjs;
}

export type LoadedOriginal = { filename: string; mime: string; bytes: Uint8Array };

export class OriginalError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export async function fetchOriginal(documentId: string): Promise<LoadedOriginal> {
  const r = await api.call('library.original', { documentId });
  if (!r.ok) throw new OriginalError(r.error.code, r.error.message);
  return { filename: r.value.filename, mime: r.value.mime, bytes: base64ToBytes(r.value.bytes) };
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type OpenPdf = { pdf: PDFDocumentProxy; original: LoadedOriginal; pageLabels: string[] | null };

const KEEP = 3;
const open = new Map<string, Promise<OpenPdf>>();

/** The document's PDF, parsed; the last KEEP documents stay open so moving between citations is instant. */
export function openPdf(documentId: string): Promise<OpenPdf> {
  const cached = open.get(documentId);
  if (cached) {
    open.delete(documentId);
    open.set(documentId, cached); // most recently used last
    return cached;
  }
  const loading = parsePdf(documentId);
  open.set(documentId, loading);
  loading.catch(() => open.delete(documentId));
  while (open.size > KEEP) {
    const [oldest, doc] = open.entries().next().value as [string, Promise<OpenPdf>];
    open.delete(oldest);
    void doc.then((d) => d.pdf.destroy()).catch(() => {});
  }
  return loading;
}

async function parsePdf(documentId: string): Promise<OpenPdf> {
  const [pdfjs, original] = await Promise.all([loadPdfJs(), fetchOriginal(documentId)]);
  // pdf.js takes ownership of the buffer it is given; keep our own copy for "Open the original".
  const pdf = await pdfjs.getDocument({ data: original.bytes.slice(), isEvalSupported: false, enableXfa: false }).promise;
  const pageLabels = await pdf.getPageLabels().catch(() => null);
  return { pdf, original, pageLabels };
}
