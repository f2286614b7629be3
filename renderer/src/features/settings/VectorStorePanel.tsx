/** Settings → Vector store: mode, state, version, points, move/rebuild with progress. */
export function VectorStorePanel() {
  return null;
}
