import type { Status } from '../../../preload/contract';
import { type CliCommand, UsageError } from '../command';
import { formatStatus } from '../format';

export const statusCommands: CliCommand[] = [
  {
    name: 'status',
    help: 'status                          engine, database, vector store and providers',
    async run(ctx) {
      if (ctx.args.length) throw new UsageError('status takes no arguments');
      const status = await ctx.call<Status>('status');
      ctx.io.out(ctx.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      return status.healthy ? 0 : 1;
    },
  },
];
