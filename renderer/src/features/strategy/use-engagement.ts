import { useCallback, useEffect, useRef, useState } from 'react';
import type { Engagement, MapCheck } from '../../../../preload/strategy-contract';
import { api } from '../../lib/api';

const HISTORY = 100;
const SAVE_DELAY_MS = 400;

export type EditEngagement = (change: (e: Engagement) => Engagement) => void;

export interface EngagementState {
  engagement: Engagement | null;
  checks: MapCheck[];
  error: string | null;
  saving: boolean;
  edit: EditEngagement;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  reload: () => Promise<void>;
}

/**
 * One engagement being edited: every change goes on an undo stack and is saved (the whole
 * document, debounced); the engine answers with the map's checks, so they follow each edit.
 */
export function useEngagement(engagementId: string | null): EngagementState {
  const [engagement, setEngagement] = useState<Engagement | null>(null);
  const [checks, setChecks] = useState<MapCheck[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const past = useRef<Engagement[]>([]);
  const future = useRef<Engagement[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [, setTick] = useState(0);

  const reload = useCallback(async () => {
    if (!engagementId) { setEngagement(null); setChecks([]); return; }
    const r = await api.call('strategy.get', { engagementId });
    if (r.ok) { setEngagement(r.value.engagement); setChecks(r.value.checks); setError(null); } else setError(r.error.message);
    past.current = []; future.current = [];
  }, [engagementId]);
  useEffect(() => { void reload(); }, [reload]);

  const pending = useRef<Engagement | null>(null);
  const send = useCallback((next: Engagement) => {
    void api.call('strategy.save', { engagement: next }).then((r) => {
      setSaving(false);
      if (r.ok) { setChecks(r.value.checks); setError(null); } else setError(r.error.message);
    });
  }, []);
  const save = useCallback((next: Engagement) => {
    if (timer.current) clearTimeout(timer.current);
    setSaving(true);
    pending.current = next;
    timer.current = setTimeout(() => { pending.current = null; send(next); }, SAVE_DELAY_MS);
  }, [send]);
  // Leaving the view (or the engagement) inside the debounce window still saves the last edit.
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
    if (pending.current) void api.call('strategy.save', { engagement: pending.current });
    pending.current = null;
  }, [engagementId]);

  const current = useRef<Engagement | null>(null);
  current.current = engagement;

  const show = useCallback((next: Engagement) => {
    current.current = next;
    setEngagement(next);
    save(next);
    setTick((n) => n + 1);
  }, [save]);

  const edit: EditEngagement = useCallback((change) => {
    const from = current.current;
    if (!from) return;
    const next = change(from);
    if (next === from) return;
    past.current = [...past.current.slice(-HISTORY + 1), from];
    future.current = [];
    show(next);
  }, [show]);

  const step = useCallback((from: { current: Engagement[] }, to: { current: Engagement[] }) => {
    const target = from.current.at(-1);
    if (!current.current || !target) return;
    from.current = from.current.slice(0, -1);
    to.current = [...to.current, current.current];
    show(target);
  }, [show]);

  return {
    engagement, checks, error, saving, edit, reload,
    undo: () => step(past, future),
    redo: () => step(future, past),
    canUndo: past.current.length > 0,
    canRedo: future.current.length > 0,
  };
}

/** Ids for new cards, arrows and rows: short, unique, readable in an exported JSON. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
