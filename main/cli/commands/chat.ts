import type { CliCommand } from '../command';

export const chatCommands: CliCommand[] = [];
