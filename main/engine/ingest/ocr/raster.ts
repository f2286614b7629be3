// Page images for OCR: 8-bit grayscale rasters, from a PDF page rendered by pdf.js on
// @napi-rs/canvas, or from a PNG/JPEG file. Tesseract reads them as PGM (no encoding cost).
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { BscError } from '../../errors';

export interface GrayImage {
  width: number;
  height: number;
  /** One byte per pixel, row by row, 0 = black. */
  data: Uint8Array;
}

/** The OCR resolution: 300 dpi is where tesseract's accuracy levels off. */
export const ocrDpi = 300;
/**
 * A page or image beyond this many pixels is scaled down to it (A4 at 300 dpi is 8.7 MP, A3 17.4 MP).
 * It bounds OCR memory: a dense A4 page peaks near 500 MB in the extraction process (ceiling 768 MB).
 */
export const maxOcrPixels = 20_000_000;
/** Images whose declared size is beyond this are refused before they are decoded. */
export const maxImagePixels = 200_000_000;

/** The scale that brings width×height within `maxPixels`. */
export function fitScale(width: number, height: number, scale: number, maxPixels = maxOcrPixels): number {
  const pixels = width * scale * height * scale;
  return pixels > maxPixels ? scale * Math.sqrt(maxPixels / pixels) : scale;
}

function canvasToGray(canvas: Canvas): GrayImage {
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    // Rec. 601 luma; transparent pixels count as paper.
    const a = rgba[j + 3]! / 255;
    const luma = 0.299 * rgba[j]! + 0.587 * rgba[j + 1]! + 0.114 * rgba[j + 2]!;
    data[i] = Math.round(luma * a + 255 * (1 - a));
  }
  return { width, height, data };
}

/** The image as a binary PGM (P5) file. */
export function toPgm(image: GrayImage): Buffer {
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'ascii');
  return Buffer.concat([header, Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength)]);
}

/** Share of pixels darker than `darkBelow` (ink); a blank page scores about 0. */
export function inkShare(image: GrayImage, darkBelow = 128): number {
  let dark = 0;
  // Every 4th pixel is plenty to tell a blank page from a printed one.
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i]! < darkBelow) dark++;
  return image.data.length === 0 ? 0 : dark / Math.ceil(image.data.length / 4);
}

/** The minimal pdf.js page surface we draw (typed here so this module does not import pdf.js). */
export interface RenderablePage {
  getViewport(p: { scale: number }): { width: number; height: number };
  render(p: { canvas: unknown; canvasContext: unknown; viewport: unknown; background?: string }): { promise: Promise<void> };
}

/** Renders a PDF page at 300 dpi (less when the page is huge) on a white background. */
export async function renderPdfPage(page: RenderablePage, dpi = ocrDpi): Promise<GrayImage> {
  const base = page.getViewport({ scale: 1 });
  const scale = fitScale(base.width, base.height, dpi / 72);
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas, canvasContext: ctx, viewport, background: '#ffffff' }).promise;
  return canvasToGray(canvas);
}

/** Width and height from a PNG (IHDR) or JPEG (SOFn) header, without decoding; null when unreadable. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    const length = view.getUint16(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

/** Decodes a PNG or JPEG to grayscale, scaled down when huge; refuses absurd sizes before decoding. */
export async function decodeImage(bytes: Uint8Array, filename: string): Promise<GrayImage> {
  const size = imageSize(bytes);
  if (!size || size.width === 0 || size.height === 0) throw new BscError('DAMAGED_FILE', `"${filename}" is not a readable PNG or JPEG image.`);
  if (size.width * size.height > maxImagePixels) {
    throw new BscError('TOO_LARGE', `"${filename}" is ${size.width}×${size.height} pixels; images above ${maxImagePixels / 1e6} megapixels are not imported.`, {
      reason: 'image-pixels', width: size.width, height: size.height,
    });
  }
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new BscError('DAMAGED_FILE', `"${filename}" could not be decoded (${err instanceof Error ? err.message : String(err)}).`);
  }
  const scale = fitScale(img.width, img.height, 1);
  const canvas = createCanvas(Math.max(1, Math.round(img.width * scale)), Math.max(1, Math.round(img.height * scale)));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvasToGray(canvas);
}
