import { BscError } from '../errors';

/** For a contract method whose engine side is being built: a clear error, never a fake result. */
export function notBuiltYet(method: string): never {
  throw new BscError('INTERNAL', `${method} is not available in this build of Agente BSC yet.`);
}
