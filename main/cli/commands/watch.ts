import path from 'node:path';
import type { WatchedFolder } from '../../../preload/contract';
import { type CliCommand, type CliContext, UsageError } from '../command';

function formatFolder(f: WatchedFolder): string {
  const scanned = f.lastScanAt ? `last scan ${f.lastScanAt}` : 'not scanned yet';
  const lines = [
    `${f.id}  ${f.path}`,
    `  ${f.state}; ${f.indexed} indexed, ${f.importing} importing, ${f.failed} failed, ${f.missing} gone from the folder (kept); deleted files: ${f.onDelete}; ${scanned}`,
  ];
  if (f.lastError) lines.push(`  problem: ${f.lastError}`);
  for (const e of f.errors) lines.push(`  ${e.file}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

/** A folder named by id or by its path (what a consultant types). */
async function resolveFolder(ctx: CliContext, ref: string): Promise<WatchedFolder> {
  const { folders } = await ctx.call<{ folders: WatchedFolder[] }>('watch.list');
  const found = folders.find((f) => f.id === ref) ?? folders.find((f) => f.path === path.resolve(ref));
  if (!found) throw new Error(`No watched folder "${ref}" (bsc watch list shows them).`);
  return found;
}

/** Registers the folder, then waits until its first scan has queued everything and the imports ended. */
async function addFolder(ctx: CliContext): Promise<number> {
  const [dir] = ctx.args.slice(1);
  if (!dir) throw new UsageError('watch add needs a folder');
  const onDelete = (ctx.options['on-delete'] as string | undefined) ?? 'keep';
  if (onDelete !== 'keep' && onDelete !== 'remove') throw new UsageError('--on-delete must be keep or remove');
  const { folder } = await ctx.call<{ folder: WatchedFolder }>('watch.add', { path: path.resolve(dir), onDelete });
  let current = folder;
  for (;;) {
    const { folders } = await ctx.call<{ folders: WatchedFolder[] }>('watch.list');
    current = folders.find((f) => f.id === folder.id) ?? current;
    if (current.lastScanAt && current.importing === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  ctx.io.out(ctx.json ? `${JSON.stringify({ folder: current }, null, 2)}\n` : formatFolder(current));
  return current.failed === 0 ? 0 : 1;
}

async function listFolders(ctx: CliContext): Promise<number> {
  const result = await ctx.call<{ folders: WatchedFolder[] }>('watch.list');
  if (ctx.json) ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.io.out(result.folders.length ? result.folders.map(formatFolder).join('') : 'No watched folders (bsc watch add <folder>).\n');
  return 0;
}

async function removeFolder(ctx: CliContext): Promise<number> {
  const [ref] = ctx.args.slice(1);
  if (!ref) throw new UsageError('watch remove needs a folder id or path');
  const folder = await resolveFolder(ctx, ref);
  const result = await ctx.call<{ removed: boolean }>('watch.remove', { folderId: folder.id });
  ctx.io.out(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : `${folder.path} is no longer watched; its documents stay in the library.\n`);
  return result.removed ? 0 : 1;
}

export const watchCommands: CliCommand[] = [
  {
    name: 'watch',
    help: 'watch add|list|remove <folder>  keep folders in sync with the library [--on-delete keep|remove]',
    options: { 'on-delete': { type: 'string' } },
    async run(ctx) {
      const sub = ctx.args[0];
      if (sub === 'add') return addFolder(ctx);
      if (sub === 'list') return listFolders(ctx);
      if (sub === 'remove') return removeFolder(ctx);
      throw new UsageError('watch needs add, list or remove');
    },
  },
];
