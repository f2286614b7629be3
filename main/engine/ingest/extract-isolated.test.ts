import { describe, expect, it } from 'vitest';
import { flateBombPdf } from './extract-bomb-fixture';
import { extractIsolated } from './extract-isolated';
import { refuseOversizedStreams } from './extract-pdf-streams';
import { PDFDocument, StandardFonts } from 'pdf-lib';

async function textPdf(lines: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((l, i) => page.drawText(l, { x: 50, y: 780 - i * 20, size: 12, font }));
  return pdf.save();
}

describe('bounded extraction', () => {
  it('refuses a PDF whose Flate stream expands to 2 GiB before decoding it (TOO_LARGE, reason stream)', async () => {
    const bomb = await flateBombPdf();
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const before = process.memoryUsage.rss();
    const err = await extractIsolated(bomb, 'bomb.pdf', { isolation: 'inline' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOO_LARGE', details: { reason: 'stream' } });
    // Counting the expansion keeps nothing: memory barely moves.
    expect(process.memoryUsage.rss() - before).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);

  it('kills the extraction process at its memory ceiling when a stream gets past the scan (TOO_LARGE, reason memory)', async () => {
    const bomb = await flateBombPdf();
    const err = await extractIsolated(bomb, 'bomb.pdf', { isolation: 'process', maxRssMb: 400, maxDecodedStreamBytes: Number.MAX_SAFE_INTEGER }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOO_LARGE', details: { reason: 'memory', maxRssMb: 400 } });
  }, 120_000);

  it('extracts an ordinary PDF in a child process and reports its peak memory', async () => {
    const bytes = await textPdf(['Perspectiva financeira: receita, margem e retorno sobre o capital empregado.']);
    const progress: number[] = [];
    const doc = await extractIsolated(bytes, 'plain.pdf', { isolation: 'process', onProgress: (p) => progress.push(p.page) });
    expect(doc.pages[0]?.text).toContain('Perspectiva financeira');
    expect(progress).toContain(1);
    expect(doc.stats?.peakRssMb).toBeGreaterThan(20);
    expect(doc.stats?.peakRssMb).toBeLessThan(768);
  }, 60_000);

  it('a cancelled extraction kills the child and says CANCELLED', async () => {
    const bytes = await textPdf(['texto']);
    const controller = new AbortController();
    const pending = extractIsolated(bytes, 'plain.pdf', { isolation: 'process', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  }, 30_000);

  it('leaves ordinary streams alone', async () => {
    await expect(refuseOversizedStreams(await textPdf(['a', 'b']))).resolves.toBeUndefined();
  });
});
