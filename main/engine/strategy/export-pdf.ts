import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, rgb } from 'pdf-lib';
import type { Engagement } from '../../../preload/strategy-contract';
import { collectFootnotes } from './footnotes';
import { type MapGeometry, mapGeometry, tint, wrapText } from './map-geometry';

const PAPER = { a4: [841.89, 595.28], a3: [1190.55, 841.89] } as const;
const MARGIN = 28;

/** Helvetica's WinAnsi encoding covers Portuguese; anything else becomes "?" rather than failing the export. */
function winAnsi(font: PDFFont, text: string): string {
  return [...text].map((ch) => { try { font.encodeText(ch); return ch; } catch { return '?'; } }).join('');
}

const hex = (h: string) => rgb(parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255);

interface Frame { page: PDFPage; font: PDFFont; bold: PDFFont; s: number; ox: number; top: number }
/** Map units to PDF points (PDF's y axis grows upwards). */
const X = (f: Frame, x: number) => f.ox + x * f.s;
const Y = (f: Frame, y: number) => f.top - y * f.s;

function drawGeometry(f: Frame, g: MapGeometry): void {
  const fills = ['#eef4fb', '#f3f8ef', '#fbf5ec', '#f5effa'];
  g.lanes.forEach((l, i) => {
    f.page.drawRectangle({ x: X(f, 0), y: Y(f, l.y + l.h), width: g.width * f.s, height: l.h * f.s, color: hex(fills[i % 4]!), borderColor: hex('#c9d3df'), borderWidth: 0.5 });
    const lines = wrapText(l.name, 15, 3);
    lines.forEach((line, j) => f.page.drawText(winAnsi(f.bold, line), { x: X(f, 12), y: Y(f, l.y + l.h / 2 - ((lines.length - 1) * 16) / 2 + j * 16 + 4), size: 13 * f.s, font: f.bold, color: hex('#34475c') }));
  });
  for (const b of g.bands) f.page.drawRectangle({ x: X(f, b.x), y: Y(f, g.height), width: b.w * f.s, height: g.height * f.s, color: hex(tint(b.color)) });
  for (const a of g.arrows) {
    f.page.drawLine({ start: { x: X(f, a.x1), y: Y(f, a.y1) }, end: { x: X(f, a.x2), y: Y(f, a.y2) }, thickness: 1.2 * f.s, color: hex('#34475c') });
    const ang = Math.atan2(a.y2 - a.y1, a.x2 - a.x1), len = 9;
    for (const d of [-0.45, 0.45]) {
      f.page.drawLine({ start: { x: X(f, a.x2), y: Y(f, a.y2) }, end: { x: X(f, a.x2 - len * Math.cos(ang + d)), y: Y(f, a.y2 - len * Math.sin(ang + d)) }, thickness: 1.2 * f.s, color: hex('#34475c') });
    }
  }
  for (const c of g.cards) {
    f.page.drawRectangle({ x: X(f, c.x), y: Y(f, c.y + c.h), width: c.w * f.s, height: c.h * f.s, color: rgb(1, 1, 1), borderColor: hex(c.color ?? '#3f6ea5'), borderWidth: 1.5 * f.s });
    c.lines.forEach((line, i) => f.page.drawText(winAnsi(f.font, line), { x: X(f, c.x + 9), y: Y(f, c.y + 24 + i * 16), size: 12 * f.s, font: f.font, color: hex('#1d2b3a') }));
    if (c.marks.length) {
      // Bottom-right corner, below the (at most three) title lines: the mark never covers the title.
      const mark = `[${c.marks.join(',')}]`;
      f.page.drawText(mark, { x: X(f, c.x + c.w - 6) - f.font.widthOfTextAtSize(mark, 8 * f.s), y: Y(f, c.y + c.h - 5), size: 8 * f.s, font: f.font, color: hex('#5b6b7c') });
    }
  }
}

/** The strategy map on one landscape page (A4 or A3), the citations as footnotes beneath it. */
export async function renderMapPdf(e: Engagement, paper: 'a4' | 'a3' = 'a4'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(e.name);
  doc.setCreator('Agente BSC');
  const [w, h] = PAPER[paper];
  const page = doc.addPage([w, h]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const foot = collectFootnotes(e);
  const g = mapGeometry(e, (id) => foot.numbersOf(e.objectives.find((o) => o.id === id)?.citations ?? []));
  const noteSize = paper === 'a3' ? 8 : 6.5;
  const maxNotes = Math.min(foot.notes.length, Math.floor((h * 0.28) / (noteSize + 2)));
  const footH = foot.notes.length ? (maxNotes + 1) * (noteSize + 2) + 8 : 0;
  const titleH = 26;
  const s = Math.min((w - 2 * MARGIN) / g.width, (h - 2 * MARGIN - titleH - footH) / g.height);
  page.drawText(winAnsi(bold, `${e.name}${e.client ? ` — ${e.client}` : ''}`), { x: MARGIN, y: h - MARGIN - 14, size: 14, font: bold });
  const frame: Frame = { page, font, bold, s, ox: MARGIN, top: h - MARGIN - titleH };
  drawGeometry(frame, g);
  let y = frame.top - g.height * s - 12;
  const perLine = Math.floor((w - 2 * MARGIN) / (noteSize * 0.5));
  for (const n of foot.notes.slice(0, maxNotes)) {
    page.drawText(winAnsi(font, wrapText(`[${n.n}] ${n.text}`, perLine, 1)[0] ?? ''), { x: MARGIN, y, size: noteSize, font, color: hex('#34475c') });
    y -= noteSize + 2;
  }
  if (maxNotes < foot.notes.length) {
    page.drawText(winAnsi(font, `+${foot.notes.length - maxNotes} more sources in the scorecard export`), { x: MARGIN, y, size: noteSize, font });
  }
  return doc.save();
}
