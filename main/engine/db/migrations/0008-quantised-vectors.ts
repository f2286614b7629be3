import type { Migration } from '../migrate';
import { CREATE_DENSE_TABLE, convertLegacyVectors } from '../../vectorstore/dense-index';

// Dense vectors move from a sqlite-vec vec0 table (created on first use, float KNN only) to
// chunk_embeddings: the float vector for exact re-scoring plus an int8 code scanned in memory, so
// search stays interactive at 100k chunks. A library with vectors has them converted here, once
// (sqlite-vec is loaded by openAppDatabase before migrating, so the old table can be read).
export const migration0008: Migration = {
  version: 8,
  name: 'quantised-vectors',
  up: (db) => {
    db.exec(CREATE_DENSE_TABLE);
    convertLegacyVectors(db);
  },
};
