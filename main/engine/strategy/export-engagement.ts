import type { Engagement, MapExportFormat } from '../../../preload/strategy-contract';
import { renderMapPdf } from './export-pdf';
import { renderScorecardCsv, renderScorecardMarkdown, renderScorecardXlsx } from './export-scorecard';
import { renderMapSvg } from './export-svg';

export interface ExportedFile { filename: string; mime: string; bytes: Uint8Array }

/** A file name from the engagement's name: letters, digits and dashes only. */
export function fileStem(e: Engagement): string {
  const stem = e.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
  return stem || 'engagement';
}

const text = (s: string) => new TextEncoder().encode(s);

export async function exportEngagement(e: Engagement, format: MapExportFormat, paper: 'a4' | 'a3' = 'a4'): Promise<ExportedFile> {
  const stem = fileStem(e);
  switch (format) {
    case 'svg': return { filename: `${stem}-map.svg`, mime: 'image/svg+xml', bytes: text(renderMapSvg(e)) };
    case 'pdf': return { filename: `${stem}-map-${paper}.pdf`, mime: 'application/pdf', bytes: await renderMapPdf(e, paper) };
    case 'xlsx': return { filename: `${stem}-scorecard.xlsx`, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: await renderScorecardXlsx(e) };
    case 'csv': return { filename: `${stem}-scorecard.csv`, mime: 'text/csv', bytes: text(renderScorecardCsv(e)) };
    case 'md': return { filename: `${stem}-scorecard.md`, mime: 'text/markdown', bytes: text(renderScorecardMarkdown(e)) };
    case 'json': return { filename: `${stem}.bsc-engagement.json`, mime: 'application/json', bytes: text(`${JSON.stringify(e, null, 2)}\n`) };
  }
}
