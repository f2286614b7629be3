// Entry point of the engine process (child_process.fork in server mode, utilityProcess in
// Electron). It owns all I/O and heavy work so a crash or a long import never freezes a UI.
import { dispatchCall, engineHandlersFor } from './engine-process-handlers';
import { createForwardingLog } from './observability/log';
import { heldKeyValues, memorySecretStore } from './settings/secrets';
import type { FromEngine, ParentChannel, ToEngine } from './protocol';

function parentChannel(): ParentChannel {
  // Electron's utilityProcess exposes process.parentPort; Node's fork exposes process.send.
  const port = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
  if (port) {
    return {
      send: (m) => port.postMessage(m),
      onMessage: (l) => port.on('message', (e) => l(e.data as ToEngine)),
    };
  }
  if (!process.send) throw new Error('engine-process must be started by a host (fork or utilityProcess)');
  return {
    send: (m) => process.send?.(m),
    onMessage: (l) => process.on('message', (m) => l(m as ToEngine)),
  };
}

// Every file and folder the engine makes (library, caches, originals, logs) is the user's alone: 0600/0700.
process.umask(0o077);
const dataDir = process.env.BSC_DATA_DIR;
if (!dataDir) throw new Error('BSC_DATA_DIR is required');
const channel = parentChannel();
const send = (m: FromEngine) => channel.send(m);
// No log file here: every record goes to the host, which writes the data folder's one log;
// the keys this engine holds are scrubbed before a line leaves.
let heldSecrets: () => Iterable<string> = () => [];
const log = createForwardingLog((record) => send({ type: 'log', record }), { secrets: () => heldSecrets() });
const { engine, handlers } = engineHandlersFor({
  dataDir,
  log,
  restarts: Number(process.env.BSC_ENGINE_RESTARTS ?? 0),
  emit: (event) => send({ type: 'event', event }),
});
// Read once and again when the keys change (a key file is not re-read for every line).
let held = heldKeyValues(engine.secrets());
engine.services.keys.onChange(() => { held = heldKeyValues(engine.secrets()); });
heldSecrets = () => held;
const inFlight = new Map<number, AbortController>();

channel.onMessage(async (msg) => {
  if (msg.type === 'shutdown') {
    for (const c of inFlight.values()) c.abort();
    engine.close();
    process.exit(0);
  }
  if (msg.type === 'secrets') {
    engine.useSecretStore(memorySecretStore(msg.values), msg.entered);
    return;
  }
  if (msg.type === 'cancel') {
    inFlight.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'call') {
    const controller = new AbortController();
    inFlight.set(msg.id, controller);
    const reply = await dispatchCall(handlers, msg.method, msg.input, { signal: controller.signal });
    inFlight.delete(msg.id);
    send({ type: 'reply', id: msg.id, reply });
  }
});

process.on('uncaughtException', (err) => {
  engine.log.error('engine crashed', { error: err });
  // The record travels to the host over IPC: give it a moment before the process goes.
  setTimeout(() => process.exit(70), 200);
});
process.on('unhandledRejection', (err) => {
  engine.log.error('unhandled rejection in engine', { error: err });
});

engine.log.info('engine started', { pid: process.pid, dataDir });
send({ type: 'ready', pid: process.pid });
