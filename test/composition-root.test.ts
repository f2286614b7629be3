import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The engine's shape, checked on the real source: one composition root (main/engine/engine.ts)
// that nothing below imports, and no import cycle that crosses a folder (type-only imports count:
// they couple the design even when the runtime never sees them).
const root = path.resolve(import.meta.dirname, '..');
const engineDir = path.join(root, 'main/engine');
const ROOT_FILE = path.join(engineDir, 'engine.ts');
/** The process entry and its helper build the root; nothing else under main/engine may. */
const ALLOWED_IMPORTERS = new Set(['engine-process.ts', 'engine-process-handlers.ts'].map((f) => path.join(engineDir, f)));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const base = path.resolve(path.dirname(file), m[1]!);
    const found = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (found) out.push(found);
  }
  return out;
}

/** Strongly connected components (Tarjan): every import cycle is inside one. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('the engine has one composition root', () => {
  const files = sourceFiles(engineDir);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const rel = (f: string) => path.relative(root, f);

  it('is imported by nothing below it but the process entry', () => {
    expect(fs.existsSync(ROOT_FILE)).toBe(true);
    const importers = files.filter((f) => f !== ROOT_FILE && !ALLOWED_IMPORTERS.has(f) && graph.get(f)!.includes(ROOT_FILE));
    expect(importers.map(rel)).toEqual([]);
  });

  it('has no import cycle that spans more than one folder', () => {
    // A folder is a top-level domain folder (db/migrations belongs to db); files at the top share one.
    const folderOf = (f: string) => path.relative(engineDir, f).split(path.sep).slice(0, -1)[0] ?? '.';
    const crossing = cycles(graph).filter((scc) => new Set(scc.map(folderOf)).size > 1);
    expect(crossing.map((scc) => scc.map(rel).sort())).toEqual([]);
  });

  it('would notice a module that imports the root', () => {
    const probe = new Map(graph);
    probe.set(path.join(engineDir, 'handlers/x.ts'), [ROOT_FILE]);
    expect([...probe.entries()].some(([f, deps]) => f !== ROOT_FILE && !ALLOWED_IMPORTERS.has(f) && deps.includes(ROOT_FILE))).toBe(true);
  });
});
