/** Reading a metric's series: every point, or min/max buckets computed in SQLite for a chart's width. */
import type { MetricHistory, MetricPointOut, MetricValue } from '../contract/experiments';
import type { MetadataStore } from '../store/metadataStore';

/** A stored value back as a metric value: NaN and the infinities are NULL plus a word. */
export function decode(value: number | null, special: string | null): MetricValue {
  return (special as MetricValue | null) ?? (value as number);
}

/**
 * A metric's points; with `width`, at most that many buckets of equal step spans, each with its
 * min and max, so a one-point spike stays visible. Bucketing runs in SQLite: a million points
 * never become a million objects.
 */
export function readMetricHistory(store: MetadataStore, runId: string, key: string, width?: number): MetricHistory {
  const db = store.db;
  // The summary's count is kept with every write: no scan to learn the size.
  const total = (db.prepare('SELECT count FROM run_metric_summaries WHERE run_id = ? AND key = ?').get(runId, key) as { count: number } | undefined)?.count ?? 0;
  const out = (row: { step: number; timestamp: number; value: number | null; special: string | null }): MetricPointOut => ({ step: row.step, timestamp: row.timestamp, value: decode(row.value, row.special) });
  if (width === undefined || total <= width) {
    const rows = store.timed('run_metrics.history', () =>
      db.prepare('SELECT step, timestamp, value, special FROM run_metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp').all(runId, key),
    ) as Array<{ step: number; timestamp: number; value: number | null; special: string | null }>;
    return { key, total, points: rows.map(out) };
  }
  const range = db.prepare('SELECT min(step) AS lo, max(step) AS hi FROM run_metrics WHERE run_id = ? AND key = ?').get(runId, key) as { lo: number; hi: number };
  const span = range.hi - range.lo + 1;
  const rows = store.timed('run_metrics.buckets', () =>
    db
      .prepare(
        `SELECT min(? - 1, CAST((step - ?) * ? / ? AS INTEGER)) AS bucket, min(value) AS min, max(value) AS max, count(*) AS count,
                count(*) - count(value) AS nonFinite, min(step) AS minX, max(step) AS maxX
         FROM run_metrics WHERE run_id = ? AND key = ? GROUP BY bucket ORDER BY bucket`,
      )
      .all(width, range.lo, width, span, runId, key),
  ) as Array<{ bucket: number; min: number | null; max: number | null; count: number; nonFinite: number; minX: number; maxX: number }>;
  const at = db.prepare('SELECT step, timestamp, value, special FROM run_metrics WHERE run_id = ? AND key = ? AND step = ? ORDER BY timestamp LIMIT 1');
  const atLast = db.prepare('SELECT step, timestamp, value, special FROM run_metrics WHERE run_id = ? AND key = ? AND step = ? ORDER BY timestamp DESC LIMIT 1');
  const buckets = rows.map((row) => ({
    x: (row.minX + row.maxX) / 2,
    minX: row.minX,
    maxX: row.maxX,
    min: row.min,
    max: row.max,
    first: out(at.get(runId, key, row.minX) as { step: number; timestamp: number; value: number | null; special: string | null }),
    last: out(atLast.get(runId, key, row.maxX) as { step: number; timestamp: number; value: number | null; special: string | null }),
    count: row.count,
    nonFinite: row.nonFinite,
  }));
  return { key, total, buckets };
}
