import type { CliCommand } from '../command';

export const serverCommands: CliCommand[] = [];
