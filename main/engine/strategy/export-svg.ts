import type { Engagement } from '../../../preload/strategy-contract';
import { collectFootnotes, type Footnote } from './footnotes';
import { type MapGeometry, mapGeometry, tint, wrapText } from './map-geometry';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const LANE_FILL = ['#eef4fb', '#f3f8ef', '#fbf5ec', '#f5effa'];
const FOOT_LINE = 16;

/** Lane names wrap inside the label column so they never run under the cards. */
function laneLabel(name: string, midY: number): string {
  const lines = wrapText(name, 15, 3);
  const top = midY - ((lines.length - 1) * 18) / 2;
  return lines.map((line, i) => `<text x="14" y="${top + i * 18 + 5}" font-size="15" font-weight="600" fill="#34475c">${esc(line)}</text>`).join('');
}

/** An arrowhead drawn as a triangle (not an SVG marker, which some viewers and converters drop). */
function arrowHead(x1: number, y1: number, x2: number, y2: number): string {
  const ang = Math.atan2(y2 - y1, x2 - x1), len = 10;
  const p = (d: number) => `${(x2 - len * Math.cos(ang + d)).toFixed(1)},${(y2 - len * Math.sin(ang + d)).toFixed(1)}`;
  return `<polygon points="${x2.toFixed(1)},${y2.toFixed(1)} ${p(0.42)} ${p(-0.42)}" fill="#34475c"/>`;
}

function drawLanes(g: MapGeometry): string[] {
  return g.lanes.map((l, i) => `<g class="lane" data-perspective="${l.perspective}">`
    + `<rect x="0" y="${l.y}" width="${g.width}" height="${l.h}" fill="${LANE_FILL[i % 4]}" stroke="#c9d3df"/>`
    + laneLabel(l.name, l.y + l.h / 2) + '</g>');
}

function drawCards(g: MapGeometry): string[] {
  return g.cards.map((c) => {
    const text = c.lines.map((line, i) => `<tspan x="${c.x + 10}" dy="${i === 0 ? 0 : 16}">${esc(line)}</tspan>`).join('');
    const marks = c.marks.length ? `<text x="${c.x + c.w - 6}" y="${c.y + c.h - 6}" font-size="10" text-anchor="end" fill="#5b6b7c">[${c.marks.join(',')}]</text>` : '';
    return `<g class="objective" data-id="${esc(c.id)}"><rect x="${c.x}" y="${c.y}" width="${c.w}" height="${c.h}" rx="10" fill="#ffffff" stroke="${c.color ?? '#3f6ea5'}" stroke-width="2"/>`
      + `<text x="${c.x + 10}" y="${c.y + 24}" font-size="13" fill="#1d2b3a">${text}</text>${marks}</g>`;
  });
}

function drawFootnotes(notes: Footnote[], width: number, top: number): string[] {
  return notes.map((f, i) => {
    const line = wrapText(`[${f.n}] ${f.text}`, Math.floor(width / 6.4), 1)[0] ?? '';
    return `<text class="footnote" x="14" y="${top + (i + 1) * FOOT_LINE}" font-size="11" fill="#34475c">${esc(line)}</text>`;
  });
}

/** The strategy map as a standalone SVG: lanes, theme bands, cards, arrows, and the citations as footnotes. */
export function renderMapSvg(e: Engagement): string {
  const foot = collectFootnotes(e);
  const marksOf = (id: string) => foot.numbersOf(e.objectives.find((o) => o.id === id)?.citations ?? []);
  const g = mapGeometry(e, marksOf);
  const titleH = 40;
  const height = titleH + g.height + (foot.notes.length ? 20 + foot.notes.length * FOOT_LINE + 10 : 10);
  const bands = g.bands.map((b) => `<g class="theme"><rect x="${b.x}" y="0" width="${b.w}" height="${g.height}" fill="${tint(b.color)}" stroke="none"/>`
    + `<text x="${b.x + b.w / 2}" y="12" font-size="11" text-anchor="middle" fill="${b.color}">${esc(b.name)}</text></g>`);
  const arrows = g.arrows.map((a) => `<line class="link" x1="${a.x1.toFixed(1)}" y1="${a.y1.toFixed(1)}" x2="${a.x2.toFixed(1)}" y2="${a.y2.toFixed(1)}" stroke="#34475c" stroke-width="1.6"/>${arrowHead(a.x1, a.y1, a.x2, a.y2)}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${height}" viewBox="0 0 ${g.width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect x="0" y="0" width="${g.width}" height="${height}" fill="#ffffff"/>`,
    `<text x="14" y="26" font-size="18" font-weight="700" fill="#1d2b3a">${esc(e.name)}${e.client ? ` — ${esc(e.client)}` : ''}</text>`,
    `<g transform="translate(0 ${titleH})">`, ...drawLanes(g), ...bands, ...arrows, ...drawCards(g), '</g>',
    ...drawFootnotes(foot.notes, g.width, titleH + g.height + 10),
    '</svg>',
  ].join('\n');
}
