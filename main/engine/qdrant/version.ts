/**
 * The one Qdrant version the app ships and runs: the bundled binary (scripts/fetch-qdrant.ts),
 * the Docker image and the server version check all read it from here.
 */
export const QDRANT_VERSION = '1.19.0';
export const QDRANT_IMAGE = `qdrant/qdrant:v${QDRANT_VERSION}`;

/** The Query API with fusion and the sparse IDF modifier, which the vector store relies on, arrived in 1.10. */
export const MIN_QDRANT_VERSION = '1.10.0';

export type QdrantVersionCheck =
  | { ok: true; version: string; pinned: boolean }
  | { ok: false; version: string; message: string };

/** Judges a version reported by `GET /` (e.g. "1.19.0"): too old or unparsable is refused, newer is accepted. */
export function checkQdrantVersion(reported: string): QdrantVersionCheck {
  const v = parseVersion(reported);
  if (!v) return { ok: false, version: reported, message: `Qdrant reported an unreadable version "${reported}".` };
  if (compareVersions(v, parseVersion(MIN_QDRANT_VERSION) as Triple) < 0) {
    return { ok: false, version: reported, message: `Qdrant ${reported} is too old: Agente BSC needs ${MIN_QDRANT_VERSION} or newer (it ships ${QDRANT_VERSION}).` };
  }
  return { ok: true, version: reported, pinned: compareVersions(v, parseVersion(QDRANT_VERSION) as Triple) === 0 };
}

type Triple = [number, number, number];

function parseVersion(text: string): Triple | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareVersions(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}
