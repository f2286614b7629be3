import { hashPassword, verifyPassword, writeStoredPasswordHash } from '../../server/auth';
import { type CliCommand, UsageError } from '../command';

const MIN_LENGTH = 8;

/** Reads the whole of a piped stdin (first line is the password). */
async function readPipedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).length > 4096) break;
  }
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { done(); resolve(typed); return; }
        if (ch === '\u0003') { done(); reject(new UsageError('cancelled')); return; }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    const done = () => { stdin.off('data', onData); stdin.setRawMode(false); stdin.pause(); process.stderr.write('\n'); };
    stdin.on('data', onData);
  });
}

export const serverCommands: CliCommand[] = [
  {
    name: 'set-password',
    help: 'set-password                    store the server\'s admin password (salted scrypt hash; read from stdin or asked)',
    async run(ctx) {
      if (ctx.args.length) throw new UsageError('set-password takes no arguments: type the password when asked, or pipe it on stdin');
      let password: string;
      if (process.stdin.isTTY) {
        password = await promptHidden('New admin password: ');
        if ((await promptHidden('Again: ')) !== password) throw new UsageError('the two passwords differ');
      } else {
        password = await readPipedLine();
      }
      if (password.length < MIN_LENGTH) throw new UsageError(`the password must be at least ${MIN_LENGTH} characters`);
      const hash = await hashPassword(password);
      if (!(await verifyPassword(password, hash))) throw new Error('the password hash did not verify');
      const file = writeStoredPasswordHash(ctx.dataDir, hash);
      ctx.io.out(ctx.json ? `${JSON.stringify({ file })}\n` : `Admin password stored as a salted scrypt hash in ${file}.\nRestart the server for it to take effect.\n`);
      return 0;
    },
  },
];
