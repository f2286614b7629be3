import { describe, expect, it } from 'vitest';
import { entryListProblem, entryNameProblem, parseManifest, type BackupManifest } from './manifest';

const good: BackupManifest = {
  format: 'agente-bsc-backup',
  formatVersion: 1,
  appVersion: '0.1.0',
  schemaVersion: 2,
  createdAt: '2025-01-02T03:04:05.000Z',
  hostName: 'laptop',
  counts: { documents: 1, chunks: 10, conversations: 0 },
  embeddingFingerprint: 'openai|text-embedding-3-small|1536',
  vectorStore: { mode: 'embedded', snapshot: 'rebuild-on-restore' },
  entries: [{ name: 'db/app.sqlite', bytes: 4096, sha256: 'a'.repeat(64) }],
};

describe('entryNameProblem', () => {
  it.each([
    'db/app.sqlite',
    'db/embeddings.sqlite',
    `documents/${'0123456789abcdef'.repeat(4)}.pdf`,
    'settings.json',
    'qdrant/bsc_chunks-v2.snapshot',
  ])('accepts %s', (name) => {
    expect(entryNameProblem(name)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['../evil', /\.\./],
    ['documents/../../evil', /\.\./],
    ['/etc/evil', /absolute/],
    ['C:\\evil', /backslash/],
    ['C:/evil', /drive letter/],
    ['c:evil', /drive letter/],
    ['documents\\x.pdf', /backslash/],
    ['documents//x.pdf', /empty/],
    ['./settings.json', /empty or "\."/],
    ['documents/', /empty/],
    ['.hidden', /unexpected characters/],
    ['docs/a b.pdf', /unexpected characters/],
    ['docs/ação.pdf', /unexpected characters/],
    ['docs/x.pdf.', /ends with a dot/],
    ['docs/CON', /reserved device/],
    ['docs/nul.txt', /reserved device/],
    ['a\0b', /NUL/],
    ['x'.repeat(1025), /longer than 1024/],
  ])('refuses %j', (name, reason) => {
    expect(entryNameProblem(name)).toMatch(reason);
  });
});

describe('parseManifest', () => {
  it('reads a good manifest', () => {
    const reading = parseManifest(JSON.stringify(good));
    expect(reading).toEqual({ ok: true, manifest: good });
  });

  it('says plainly when a newer format wrote it, before looking at anything else', () => {
    const reading = parseManifest(JSON.stringify({ format: 'agente-bsc-backup', formatVersion: 7, whatever: true }));
    expect(reading).toMatchObject({ ok: false, newerFormat: true });
    expect(!reading.ok && reading.problem).toMatch(/version 7 was made by a newer version of Agente BSC/);
  });

  it('refuses JSON that is not ours, or not JSON', () => {
    expect(parseManifest('{nope')).toMatchObject({ ok: false, problem: 'manifest.json is not valid JSON' });
    expect(parseManifest('{"format":"other"}')).toMatchObject({ ok: false, problem: /not an Agente BSC backup manifest/ });
  });

  it('names the field that is wrong', () => {
    const reading = parseManifest(JSON.stringify({ ...good, schemaVersion: 1.5 }));
    expect(!reading.ok && reading.problem).toMatch(/invalid at schemaVersion/);
    const badHash = parseManifest(JSON.stringify({ ...good, entries: [{ name: 'db/app.sqlite', bytes: 1, sha256: 'XYZ' }] }));
    expect(!badHash.ok && badHash.problem).toMatch(/entries\.0\.sha256/);
  });
});

describe('entryListProblem', () => {
  it('requires the database', () => {
    expect(entryListProblem([{ name: 'settings.json' }])).toMatch(/does not list the database/);
  });

  it('refuses names that collide, including on a case-insensitive disk', () => {
    expect(entryListProblem([{ name: 'db/app.sqlite' }, { name: 'db/app.sqlite' }])).toMatch(/twice/);
    expect(entryListProblem([{ name: 'db/app.sqlite' }, { name: 'a.txt' }, { name: 'A.txt' }])).toMatch(/case-insensitive/);
  });

  it('refuses the manifest listing itself', () => {
    expect(entryListProblem([{ name: 'db/app.sqlite' }, { name: 'manifest.json' }])).toMatch(/itself/);
  });
});
