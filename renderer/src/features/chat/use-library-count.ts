import { useCallback, useEffect, useState } from 'react';
import { api } from '../../lib/api';

/** How many documents are indexed (null until known), kept current as the library changes. */
export function useLibraryCount() {
  const [count, setCount] = useState<number | null>(null);
  const refresh = useCallback(async () => {
    const r = await api.call('library.list');
    if (r.ok) setCount(r.value.documents.filter((d) => d.status === 'indexed').length);
  }, []);
  useEffect(() => {
    void refresh();
    return api.on('onLibraryChanged', () => void refresh());
  }, [refresh]);
  return { count, refresh };
}
