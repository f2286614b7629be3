import type { z } from 'zod';
import {
  isMethodName, methods,
  type BscErrorShape, type EngineEvent, type MethodName, type MethodOutput, type Methods, type Reply,
} from '../../preload/contract';
import { classifyFailure } from './db/errors';
import { BscError } from './errors';

export interface CallContext {
  signal: AbortSignal;
}

/**
 * One handler per contract method, typed from the schemas: a missing, misspelled or mistyped
 * handler fails to compile.
 */
export type MethodHandlers = {
  [K in MethodName]: (input: z.infer<Methods[K]['input']>, ctx: CallContext) => Promise<MethodOutput<K>> | MethodOutput<K>;
};

export type EmitEvent = (event: EngineEvent) => void;

export function errorShape(raw: unknown): BscErrorShape {
  // SQLite and disk failures get their kind (DB_FULL, DB_BUSY, DB_CORRUPT, DB_READONLY) wherever they were raised.
  const err = classifyFailure(raw);
  if (err instanceof BscError) return err.toShape();
  // Unknown errors keep their message but never a stack: stacks stay in the log.
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** Validates a raw input against the contract; the result is the parsed (defaulted, stripped) input. */
export function parseInput(name: string, raw: unknown): Reply<unknown> {
  if (!isMethodName(name)) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${name}".` } };
  const parsed = methods[name].input.safeParse(raw ?? undefined);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    return {
      ok: false,
      error: {
        code: 'BAD_INPUT',
        message: `Invalid input for ${name}${first ? `: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}.`,
        details: { issues },
      },
    };
  }
  return { ok: true, value: parsed.data };
}

export async function dispatchCall(handlers: MethodHandlers, name: string, raw: unknown, ctx: CallContext): Promise<Reply<unknown>> {
  const input = parseInput(name, raw);
  if (!input.ok) return input;
  try {
    const handler = handlers[name as MethodName] as (input: unknown, ctx: CallContext) => unknown;
    const value = await handler(input.value, ctx);
    // Outputs are checked too: a handler that drifts from the contract is a bug we want to see.
    const out = methods[name as MethodName].output.safeParse(value);
    if (!out.success) {
      return { ok: false, error: { code: 'INTERNAL', message: `The engine returned an invalid ${name} result.`, details: { issues: out.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) } } };
    }
    return { ok: true, value: out.data };
  } catch (err) {
    return { ok: false, error: errorShape(err) };
  }
}
