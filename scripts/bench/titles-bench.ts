// Titles (issue 12.4): how many documents of the robustness corpus would be listed under a junk
// title (THE JUNK RULE in main/engine/ingest/title.ts). Goal: none.
import fs from 'node:fs';
import path from 'node:path';
import { extractDocument } from '../../main/engine/ingest/extract';
import { documentTitle, isJunkTitle, titleFromFilename } from '../../main/engine/ingest/title';
import type { BenchMetric } from './report';

export interface TitleRow { file: string; title: string | null; junk: boolean; error?: string }

/** Every PDF of `dir` through extraction and the title choice; files that do not import have no title. */
export async function titlesOfCorpus(dir: string, signal?: AbortSignal): Promise<TitleRow[]> {
  const rows: TitleRow[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.pdf')).sort()) {
    if (signal?.aborted) break;
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, file)));
    try {
      const doc = await extractDocument(bytes, file, { signal, pageTimeoutMs: 10_000 });
      const title = documentTitle(doc, bytes, file);
      rows.push({ file, title, junk: isJunkTitle(title, file) });
    } catch (err) {
      rows.push({ file, title: null, junk: false, error: err instanceof Error ? err.message.slice(0, 80) : String(err) });
    }
  }
  return rows;
}

export async function measureTitles(dir: string, signal?: AbortSignal): Promise<{ metrics: BenchMetric[]; notes: string[] } | { skipped: string }> {
  if (!fs.existsSync(dir)) return { skipped: `no corpus at ${dir}` };
  const rows = await titlesOfCorpus(dir, signal);
  const titled = rows.filter((r) => r.title !== null);
  const junk = titled.filter((r) => r.junk);
  return {
    metrics: [
      { key: 'titles.junkShare', label: 'corpus documents with a junk title', value: titled.length ? junk.length / titled.length : 0, unit: 'share', goal: { op: '<=', target: 0 } },
      { key: 'titles.documents', label: 'corpus PDFs that import (have a title)', value: titled.length, unit: 'docs' },
    ],
    notes: [
      ...titled.map((r) => `${r.junk ? 'JUNK ' : ''}${r.file} → ${JSON.stringify(r.title)}`),
      `${titled.filter((r) => r.title === titleFromFilename(r.file)).length} of ${titled.length} titles are the file name (nothing plausible in metadata or fonts)`,
      `${rows.length - titled.length} of ${rows.length} PDFs do not import (password, damaged, no text) and get no title`,
    ],
  };
}

// `npx tsx scripts/bench/titles-bench.ts [DIR]` prints every title.
if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const dir = process.argv[2] ?? path.resolve(import.meta.dirname, '../../../shared/corpus/pdfs');
  void measureTitles(dir).then((out) => {
    if ('skipped' in out) console.log(out.skipped);
    else {
      for (const n of out.notes) console.log(n);
      for (const m of out.metrics) console.log(`${m.label}: ${m.value}`);
    }
  });
}
