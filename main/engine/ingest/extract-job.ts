// What the engine sends the extraction child process, and what the child's watchdog prints
// before it kills the process. Shared by both sides; no side effects.
import type { ExtractOptions } from './types';

export interface ExtractJob {
  bytes: Uint8Array;
  filename: string;
  password?: string;
  maxBytes?: number;
  ocr?: ExtractOptions['ocr'];
  maxDecodedStreamBytes?: number;
}

/** Printed on stderr just before the watchdog kills the process, so the parent can say why. */
export const memoryCeilingMarker = 'BSC_MEMORY_CEILING';
