import { MAP_LAYOUT, placeObjectives, type Engagement, type MapPerspective } from '../../../preload/strategy-contract';
import { perspectiveName } from './checks';

export interface CardBox { id: string; x: number; y: number; w: number; h: number; lines: string[]; marks: number[]; color: string | null }
export interface Arrow { from: CardBox; to: CardBox; x1: number; y1: number; x2: number; y2: number }
export interface Lane { perspective: MapPerspective; name: string; y: number; h: number }
export interface Band { name: string; color: string; x: number; w: number }
export interface MapGeometry { width: number; height: number; lanes: Lane[]; cards: CardBox[]; arrows: Arrow[]; bands: Band[] }

/** A theme colour mixed with white: bands stay light behind the cards in every viewer (no opacity needed). */
export function tint(hex: string, keep = 0.16): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${c.map((v) => Math.round(255 - (255 - v) * keep).toString(16).padStart(2, '0')).join('')}`;
}

/** Greedy word wrap to at most `maxLines` lines of `width` characters, ending in "…" when cut. */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) { line = next; continue; }
    if (line) lines.push(line);
    line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (lines.length === maxLines) break;
  }
  if (line && lines.length < maxLines) lines.push(line);
  if (lines.length === maxLines && lines.join(' ').length < text.trim().length) {
    const last = lines[maxLines - 1]!;
    lines[maxLines - 1] = last.length >= width ? `${last.slice(0, width - 1)}…` : `${last}…`;
  }
  return lines;
}

/** Where the segment from a card's centre towards a point leaves the card's rectangle. */
function edgePoint(b: CardBox, tx: number, ty: number): { x: number; y: number } {
  const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
  const dx = tx - cx, dy = ty - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scale = Math.min(Math.abs((b.w / 2) / (dx || 1e-9)), Math.abs((b.h / 2) / (dy || 1e-9)));
  return { x: cx + dx * scale, y: cy + dy * scale };
}

/** The map laid out in MAP_LAYOUT units: what the SVG and the PDF both draw. */
export function mapGeometry(e: Engagement, marksOf: (id: string) => number[]): MapGeometry {
  const L = MAP_LAYOUT;
  const themes = new Map(e.themes.map((t) => [t.id, t]));
  const cards: CardBox[] = placeObjectives(e.objectives).map((o) => ({
    id: o.id, x: o.x, y: o.y, w: L.cardWidth, h: L.cardHeight,
    lines: wrapText(o.title, 26, 3), marks: marksOf(o.id), color: o.themeId ? themes.get(o.themeId)?.color ?? null : null,
  }));
  const byId = new Map(cards.map((c) => [c.id, c]));
  const arrows: Arrow[] = e.links.flatMap((l) => {
    const from = byId.get(l.from), to = byId.get(l.to);
    if (!from || !to || from === to) return [];
    const a = edgePoint(from, to.x + to.w / 2, to.y + to.h / 2);
    const b = edgePoint(to, from.x + from.w / 2, from.y + from.h / 2);
    return [{ from, to, x1: a.x, y1: a.y, x2: b.x, y2: b.y }];
  });
  const bands: Band[] = e.themes.flatMap((t) => {
    const mine = cards.filter((c) => e.objectives.find((o) => o.id === c.id)?.themeId === t.id);
    if (!mine.length) return [];
    const x = Math.min(...mine.map((c) => c.x)) - 10;
    return [{ name: t.name, color: t.color, x, w: Math.max(...mine.map((c) => c.x + c.w)) + 10 - x }];
  });
  // As wide as the cards need (never narrower than four cards), so a small map fills the page.
  const width = Math.max(L.labelWidth + 4 * (L.cardWidth + L.gap) + L.gap, ...cards.map((c) => c.x + c.w + L.gap));
  const lanes = L.lanes.map((p, i) => ({ perspective: p, name: perspectiveName(p, e.language, e.sector), y: i * L.laneHeight, h: L.laneHeight }));
  return { width, height: L.lanes.length * L.laneHeight, lanes, cards, arrows, bands };
}
