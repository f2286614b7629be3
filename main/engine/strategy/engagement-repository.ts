import { randomUUID } from 'node:crypto';
import { Engagement, type EngagementSummary } from '../../../preload/strategy-contract';
import type { AppDatabase } from '../db/open';
import { BscError } from '../errors';

interface Row { id: string; name: string; doc_json: string; created_at: string; updated_at: string }

/**
 * Engagements stored as one validated JSON document each. Every write re-validates the whole
 * document against the contract's schema, so a bad save or import never leaves a half-valid map.
 */
export class EngagementRepository {
  private readonly s;

  constructor(db: AppDatabase) {
    this.s = {
      list: db.prepare('SELECT id, name, doc_json, created_at, updated_at FROM engagements ORDER BY updated_at DESC, created_at DESC'),
      get: db.prepare('SELECT id, name, doc_json, created_at, updated_at FROM engagements WHERE id = ?'),
      upsert: db.prepare(`INSERT INTO engagements (id, name, doc_json, created_at, updated_at) VALUES (@id, @name, @doc, @createdAt, @updatedAt)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, doc_json = excluded.doc_json, updated_at = excluded.updated_at`),
      delete: db.prepare('DELETE FROM engagements WHERE id = ?'),
      exists: db.prepare('SELECT 1 FROM engagements WHERE id = ?'),
    };
  }

  list(): EngagementSummary[] {
    return (this.s.list.all() as Row[]).map((r) => {
      const e = parseStored(r);
      return { id: e.id, name: e.name, client: e.client, sector: e.sector, objectives: e.objectives.length, measures: e.measures.length, updatedAt: e.updatedAt };
    });
  }

  get(id: string): Engagement {
    const row = this.s.get.get(id) as Row | undefined;
    if (!row) throw new BscError('NOT_FOUND', 'That engagement does not exist (it may have been deleted).');
    return parseStored(row);
  }

  exists(id: string): boolean {
    return this.s.exists.get(id) !== undefined;
  }

  /** Validates and stores the whole engagement; `updatedAt` is set here. */
  save(input: Engagement, now = new Date().toISOString()): Engagement {
    const engagement = Engagement.parse({ ...input, updatedAt: now });
    this.s.upsert.run({ id: engagement.id, name: engagement.name, doc: JSON.stringify(engagement), createdAt: engagement.createdAt, updatedAt: now });
    return engagement;
  }

  delete(id: string): boolean {
    return this.s.delete.run(id).changes > 0;
  }

  newId(): string {
    return randomUUID();
  }
}

/** A stored document that no longer parses is reported, never silently dropped or "repaired". */
function parseStored(row: Row): Engagement {
  try {
    return Engagement.parse(JSON.parse(row.doc_json));
  } catch (err) {
    throw new BscError('DB_CORRUPT', `The engagement "${row.name}" is stored in a form this version cannot read.`, { id: row.id, error: String(err) });
  }
}
