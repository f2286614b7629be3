import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { originalPath } from '../ingest/index-document';
import { readOriginal } from './library-handlers';

describe('library.original: the stored original for the page viewer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsc-original-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const doc = { filename: 'Guia.PDF', mime: 'application/pdf', sha256: 'ab'.repeat(32) };

  it('returns the file as base64 with its name, type and size', () => {
    const bytes = Buffer.from('%PDF-1.7\n\u00e9 binary \u0000\u00ff');
    fs.writeFileSync(originalPath(dir, doc.sha256, doc.filename), bytes);
    const out = readOriginal(dir, doc);
    expect(out).toMatchObject({ filename: 'Guia.PDF', mime: 'application/pdf', size: bytes.length });
    expect(Buffer.from(out.bytes, 'base64').equals(bytes)).toBe(true);
  });

  it('refuses a file over the cap with TOO_LARGE and says what to do', () => {
    expect(() => readOriginal(dir, doc, 8)).toThrow(expect.objectContaining({ code: 'TOO_LARGE', message: expect.stringContaining('Open it from the library folder') }));
  });

  it('says NOT_FOUND when the stored original is gone', () => {
    expect(() => readOriginal(dir, { ...doc, sha256: 'cd'.repeat(32) })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
