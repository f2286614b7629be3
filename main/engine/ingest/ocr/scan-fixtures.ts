// Scanned-looking pages for tests and the bench: known text drawn at 300 dpi on @napi-rs/canvas,
// optionally rotated and speckled like a photocopy, saved as JPEG and wrapped in a PDF by pdf-lib.
import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';

export interface ScanOptions {
  /** Rotation of the text on the page, degrees (a sheet fed askew). */
  rotateDeg?: number;
  /** Share of pixels flipped to random gray (speckle), 0–1. */
  noise?: number;
  /** Blur-like softening: text drawn in dark gray instead of black. */
  faded?: boolean;
  /** Text height in points (12 pt is body text). */
  fontPt?: number;
  dpi?: number;
}

/** Our own sample text, with accents and cedillas, and an English page. */
export const scanTexts = {
  pt: [
    'O Balanced Scorecard traduz a estratégia da organização em objetivos,',
    'indicadores, metas e iniciativas distribuídos em quatro perspectivas:',
    'financeira, clientes, processos internos e aprendizado e crescimento.',
    'A perspectiva de clientes mede a satisfação, a retenção e a participação',
    'de mercado. Cada objetivo estratégico precisa de um indicador de',
    'resultado e de um vetor de desempenho, com metas anuais definidas.',
    'A comunicação da estratégia começa pela diretoria e chega às equipes.',
  ],
  en: [
    'The Balanced Scorecard translates an organization strategy into',
    'objectives, measures, targets and initiatives across four perspectives:',
    'financial, customer, internal business processes, and learning and growth.',
    'Strategy maps show the cause and effect links between the objectives.',
    'Employee skills and information systems drive process improvement,',
    'which in turn delivers value to customers and to shareholders.',
  ],
} as const;

/** Draws `lines` on an A4 page at `dpi` and returns it as JPEG bytes. */
export function renderScanImage(lines: readonly string[], opts: ScanOptions = {}): { jpeg: Buffer; widthPt: number; heightPt: number } {
  const dpi = opts.dpi ?? 300;
  const widthPt = 595;
  const heightPt = 842;
  const px = (pt: number): number => Math.round((pt * dpi) / 72);
  const canvas = createCanvas(px(widthPt), px(heightPt));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.save();
  ctx.translate(canvas.width / 2, canvas.height / 2);
  ctx.rotate(((opts.rotateDeg ?? 0) * Math.PI) / 180);
  ctx.translate(-canvas.width / 2, -canvas.height / 2);
  ctx.fillStyle = opts.faded ? '#333333' : '#000000';
  const size = px(opts.fontPt ?? 12);
  ctx.font = `${size}px serif`;
  lines.forEach((line, i) => ctx.fillText(line, px(60), px(100) + i * Math.round(size * 1.6)));
  ctx.restore();
  if (opts.noise) speckle(ctx, canvas.width, canvas.height, opts.noise);
  return { jpeg: canvas.toBuffer('image/jpeg', 85), widthPt, heightPt };
}

/** Deterministic speckle (a fixed-seed generator), so a test reads the same page every run. */
function speckle(ctx: ReturnType<ReturnType<typeof createCanvas>['getContext']>, width: number, height: number, share: number): void {
  const img = ctx.getImageData(0, 0, width, height);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const n = Math.round(width * height * share);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rand() * width * height) * 4;
    const v = Math.round(rand() * 255);
    img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
  }
  ctx.putImageData(img, 0, 0);
}

/** A PDF whose pages are only images (no text layer), like a scanner's output. */
export async function scannedPdf(pages: Array<{ lines: readonly string[]; scan?: ScanOptions }>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (const p of pages) {
    const { jpeg, widthPt, heightPt } = renderScanImage(p.lines, p.scan);
    const image = await pdf.embedJpg(jpeg);
    pdf.addPage([widthPt, heightPt]).drawImage(image, { x: 0, y: 0, width: widthPt, height: heightPt });
  }
  return pdf.save();
}
