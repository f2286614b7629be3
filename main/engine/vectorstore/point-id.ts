import { createHash } from 'node:crypto';

/** Our namespace for chunk point ids (a fixed random UUID; changing it orphans every Qdrant point). */
export const CHUNK_POINT_NAMESPACE = '3c0b6f0e-8d57-4a4e-9f3b-6a1d2b7c5e90';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** RFC 9562 §5.5: SHA-1 of namespace bytes + name (UTF-8), then the version (5) and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Qdrant point id of a chunk: stable across rebuilds, so re-adding is an upsert. */
export function chunkPointId(chunkId: number): string {
  return uuidV5(String(chunkId), CHUNK_POINT_NAMESPACE);
}
