import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../preload/contract';
import { api } from '../../lib/api';
import { type SeriesPoint, bucketize, sparkline } from './sparkline';
import './strings';

type HistoryPoint = MethodOutput<'metrics.history'>['points'][number];

const RANGES = [{ hours: 1, bucket: 1 }, { hours: 6, bucket: 5 }, { hours: 24, bucket: 15 }] as const;
const W = 240;
const H = 48;

function Chart({ label, unit, points, from, to, testId }: { label: string; unit: string; points: SeriesPoint[]; from: number; to: number; testId: string }) {
  const { t } = useTranslation('statusCharts');
  const s = sparkline(points, { width: W, height: H, from, to });
  const fmt = (v: number | null) => (v === null ? '—' : `${Math.round(v).toLocaleString()}${unit}`);
  return (
    <figure className="activity-chart" data-testid={testId}>
      <figcaption>
        <span>{label}</span>
        <span className="muted">{t('now', { value: fmt(s.last) })} · {t('peak', { value: fmt(s.max) })}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${label}: ${t('peak', { value: fmt(s.max) })}`} preserveAspectRatio="none">
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="activity-axis" />
        {s.area && <path d={s.area} className="activity-area" />}
        {s.line && <path d={s.line} className="activity-line" />}
        {s.dots.map(([x, y]) => <circle key={`${x},${y}`} cx={x} cy={y} r="2.5" className="activity-dot" />)}
      </svg>
    </figure>
  );
}

/** Small charts of the engine's per-minute figures (metrics.history, kept 24 h by the engine). */
export function ActivityCharts() {
  const { t } = useTranslation('statusCharts');
  const [points, setPoints] = useState<HistoryPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [range, setRange] = useState<(typeof RANGES)[number]>(RANGES[1]);
  const refresh = useCallback(async () => {
    const r = await api.call('metrics.history');
    if (r.ok) { setPoints(r.value.points); setError(null); } else setError(r.error.message);
  }, []);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 60_000);
    return () => clearInterval(timer);
  }, [refresh]);

  // Buckets are stamped with their end, so the axis ends at the end of the current bucket.
  const bucketMs = range.bucket * 60_000;
  const to = Math.ceil(Date.now() / bucketMs) * bucketMs;
  const from = to - range.hours * 3_600_000;
  const series = (pick: (p: HistoryPoint) => number | null, combine: 'sum' | 'max') =>
    bucketize((points ?? []).map((p) => ({ at: Date.parse(p.at), value: pick(p) })), range.bucket, combine);
  const per = range.bucket > 1 ? ` (${t('perBucket', { minutes: range.bucket })})` : '';

  return (
    <section className="activity" aria-labelledby="activity-title">
      <header className="activity-header">
        <h2 id="activity-title">{t('title')}</h2>
        <label>
          <span className="muted">{t('range')} </span>
          <select value={range.hours} onChange={(e) => setRange(RANGES.find((r) => r.hours === Number(e.target.value)) ?? RANGES[1])} data-testid="activity-range">
            {RANGES.map((r) => <option key={r.hours} value={r.hours}>{t('hours', { count: r.hours })}</option>)}
          </select>
        </label>
      </header>
      {error && <p className="muted">{t('unavailable', { message: error })}</p>}
      {points && points.length === 0 && <p className="muted">{t('empty')}</p>}
      {points && points.length > 0 && (
        <div className="activity-grid">
          <Chart testId="chart-questions" label={`${t('questions')}${per}`} unit="" points={series((p) => p.questions, 'sum')} from={from} to={to} />
          <Chart testId="chart-errors" label={`${t('errors')}${per}`} unit="" points={series((p) => p.errors, 'sum')} from={from} to={to} />
          <Chart testId="chart-p95" label={t('p95')} unit=" ms" points={series((p) => p.answerP95Ms, 'max')} from={from} to={to} />
          <Chart testId="chart-pages" label={`${t('pages')}${per}`} unit="" points={series((p) => p.importedPages, 'sum')} from={from} to={to} />
          <Chart
            testId="chart-cache" label={t('cacheHitRate')} unit="%" from={from} to={to}
            points={bucketize((points ?? []).map((p) => ({ at: Date.parse(p.at), value: p.cacheHits + p.cacheMisses > 0 ? (100 * p.cacheHits) / (p.cacheHits + p.cacheMisses) : null })), range.bucket, 'max')}
          />
        </div>
      )}
    </section>
  );
}
