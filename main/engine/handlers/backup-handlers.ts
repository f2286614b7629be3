import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { notBuiltYet } from './not-built';

type BackupMethods = Extract<keyof MethodHandlers, `backup.${string}`>;

export function backupHandlers(_engine: Engine): Pick<MethodHandlers, BackupMethods> {
  return {
    'backup.create': () => notBuiltYet('backup.create'),
    'backup.list': () => notBuiltYet('backup.list'),
    'backup.verify': () => notBuiltYet('backup.verify'),
    'backup.restore': () => notBuiltYet('backup.restore'),
  };
}
