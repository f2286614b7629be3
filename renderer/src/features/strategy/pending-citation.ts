import { MapCitation } from '../../../../preload/strategy-contract';

const KEY = 'bsc.pendingMapCitation';

/** A chat citation on its way to the map: kept for this window until the Strategy view takes it. */
export function queueCitationForMap(citation: MapCitation): void {
  sessionStorage.setItem(KEY, JSON.stringify(citation));
  window.location.hash = '#/strategy';
}

export function peekPendingCitation(): MapCitation | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = MapCitation.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearPendingCitation(): void {
  sessionStorage.removeItem(KEY);
}
