import type { CliCommand } from '../command';

export const evalCommands: CliCommand[] = [];
