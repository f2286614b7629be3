import fs from 'node:fs';
import path from 'node:path';
import type { EngagementSummary, MapCheck, MapExportFormat, Suggestion } from '../../../preload/strategy-contract';
import { pagesOf } from '../../engine/strategy/footnotes';
import { MapExportFormat as ExportFormat } from '../../../preload/strategy-contract';
import { type CliCommand, type CliContext, UsageError } from '../command';

/** An engagement named by id, or by its name when that is unique (what a consultant remembers). */
async function resolveEngagement(ctx: CliContext, ref: string): Promise<EngagementSummary> {
  const { engagements } = await ctx.call<{ engagements: EngagementSummary[] }>('strategy.list');
  const byId = engagements.find((e) => e.id === ref);
  if (byId) return byId;
  const byName = engagements.filter((e) => e.name.toLowerCase() === ref.toLowerCase());
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new Error(`${byName.length} engagements are named "${ref}"; use the id (bsc map list).`);
  throw new Error(`No engagement "${ref}" (bsc map list shows them).`);
}

async function exportMap(ctx: CliContext): Promise<number> {
  const [ref] = ctx.args.slice(1);
  if (!ref) throw new UsageError('map export needs an engagement id or name');
  const format = ExportFormat.safeParse(ctx.options.format ?? 'pdf');
  if (!format.success) throw new UsageError(`--format must be one of ${ExportFormat.options.join(', ')}`);
  const paper = (ctx.options.paper as string | undefined) ?? 'a4';
  if (paper !== 'a4' && paper !== 'a3') throw new UsageError('--paper must be a4 or a3');
  const engagement = await resolveEngagement(ctx, ref);
  const file = await ctx.call<{ filename: string; mime: string; base64: string }>('strategy.export', { engagementId: engagement.id, format: format.data as MapExportFormat, paper });
  const out = path.resolve((ctx.options.out as string | undefined) ?? file.filename);
  fs.writeFileSync(out, Buffer.from(file.base64, 'base64'));
  ctx.io.out(ctx.json ? `${JSON.stringify({ path: out, mime: file.mime }, null, 2)}\n` : `${out}\n`);
  return 0;
}

async function importMap(ctx: CliContext): Promise<number> {
  const [file] = ctx.args.slice(1);
  if (!file) throw new UsageError('map import needs a JSON file');
  let json: string;
  try { json = fs.readFileSync(file, 'utf8'); } catch (err) { throw new Error(`Cannot read ${file}: ${(err as Error).message}`); }
  const result = await ctx.call<{ engagement: { id: string; name: string; objectives: unknown[] }; checks: MapCheck[] }>('strategy.import', { json });
  ctx.io.out(ctx.json ? `${JSON.stringify(result, null, 2)}\n`
    : `imported "${result.engagement.name}" (${result.engagement.id}): ${result.engagement.objectives.length} objectives, ${result.checks.length} check warning(s)\n`);
  return 0;
}

async function createMap(ctx: CliContext): Promise<number> {
  const name = ctx.args.slice(1).join(' ').trim();
  if (!name) throw new UsageError('map create needs a name');
  const { engagement } = await ctx.call<{ engagement: { id: string; name: string } }>('strategy.create', { name });
  ctx.io.out(ctx.json ? `${JSON.stringify({ engagement }, null, 2)}\n` : `${engagement.id}  ${engagement.name}\n`);
  return 0;
}

async function suggestForMap(ctx: CliContext): Promise<number> {
  const [ref] = ctx.args.slice(1);
  if (!ref) throw new UsageError('map suggest needs an engagement id or name');
  const perspective = ctx.options.perspective as string | undefined;
  const engagement = await resolveEngagement(ctx, ref);
  const result = await ctx.call<{ suggestions: Suggestion[] }>('strategy.suggest', { engagementId: engagement.id, kind: 'objectives', ...(perspective ? { perspective } : {}) });
  if (ctx.json) ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
  else for (const s of result.suggestions) ctx.io.out(`${s.perspective.padEnd(9)}  ${s.title}  [${s.citations.map((c) => `${c.filename}, ${pagesOf(c)}`).join('; ')}]\n`);
  return 0;
}

async function listMaps(ctx: CliContext): Promise<number> {
  const { engagements } = await ctx.call<{ engagements: EngagementSummary[] }>('strategy.list');
  if (ctx.json) ctx.io.out(`${JSON.stringify({ engagements }, null, 2)}\n`);
  else if (!engagements.length) ctx.io.out('no engagements yet\n');
  else for (const e of engagements) ctx.io.out(`${e.id}  ${e.name}${e.client ? ` (${e.client})` : ''}  ${e.objectives} objectives, ${e.measures} measures, changed ${e.updatedAt}\n`);
  return 0;
}

export const mapCommands: CliCommand[] = [
  {
    name: 'map',
    help: 'map list | create <name> | suggest <engagement> [--perspective P] | export <engagement> [--format svg|pdf|xlsx|csv|md|json] [--paper a4|a3] [--out FILE] | import <file.json>',
    options: { format: { type: 'string' }, paper: { type: 'string' }, out: { type: 'string' }, perspective: { type: 'string' } },
    async run(ctx) {
      const [sub] = ctx.args;
      if (sub === 'export') return exportMap(ctx);
      if (sub === 'import') return importMap(ctx);
      if (sub === 'list') return listMaps(ctx);
      if (sub === 'create') return createMap(ctx);
      if (sub === 'suggest') return suggestForMap(ctx);
      throw new UsageError('map needs list, create, suggest, export or import');
    },
  },
];
