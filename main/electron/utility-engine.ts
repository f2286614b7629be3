import { utilityProcess } from 'electron';
import type { SpawnEngine } from '../engine/host';
import type { FromEngine } from '../engine/protocol';

/** The engine as an Electron utility process: off the main thread, restarted by EngineHost. */
export function spawnUtilityEngine(entry: string): SpawnEngine {
  return (env) => {
    const child = utilityProcess.fork(entry, [], { env: { ...process.env, ...env }, serviceName: 'Agente BSC engine', stdio: 'inherit' });
    return {
      get pid() { return child.pid; },
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m: unknown) => l(m as FromEngine)),
      onExit: (l) => child.on('exit', (code) => l(code, null)),
      kill: () => { child.kill(); },
    };
  };
}
