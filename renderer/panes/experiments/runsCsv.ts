import type { Run } from '../../../main/contract/experiments';
import type { RunColumn } from './runColumns';
import { runMillis } from './runsTable';

/**
 * The runs table as CSV (RFC 4180: CRLF line ends, fields quoted where they hold a comma, a quote,
 * CR or LF, quotes doubled), safe to open in a spreadsheet. Pure.
 */

/** A field a spreadsheet would read as a number; kept as is even where it starts with - or +. */
const PLAIN_NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?Infinity$/;
/**
 * Starts a formula in Excel, LibreOffice or Sheets (CSV injection): = + - @, and tab or CR, which
 * some of them skip before looking for one (OWASP's list).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Pure: one field, defused against formulas (a leading ') then quoted where RFC 4180 requires. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Pure: rows of fields as CSV text, each line ending CRLF. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/** A column's header: MLflow's names (metrics.auc, params.eta, tags.x) so pandas users recognise them. */
export function csvHeader(column: RunColumn): string {
  if (!('kind' in column)) return { name: 'run_name', status: 'status', start: 'start_time', duration: 'duration_s' }[column.id];
  if (column.kind === 'metric') return column.stat === 'last' ? `metrics.${column.key}` : `metrics.${column.key}.${column.stat}`;
  return `${column.kind}s.${column.key}`;
}

/** A cell as exported: full precision, no formatting; NaN as MLflow writes it; missing as empty. */
export function csvValue(run: Run, column: RunColumn, now: number): string {
  if (!('kind' in column)) {
    if (column.id === 'name') return run.info.runName;
    if (column.id === 'status') return run.info.status;
    if (column.id === 'start') return new Date(run.info.startTime).toISOString();
    return String(runMillis(run, now) / 1000);
  }
  if (column.kind === 'metric') {
    const metric = run.metrics.find((m) => m.key === column.key);
    const value = metric?.[column.stat];
    return value === undefined || value === null ? '' : String(value);
  }
  return (column.kind === 'param' ? run.params[column.key] : run.tags[column.key]) ?? '';
}

/** Pure: a run_id column, then `columns`, one line per run in the given order. */
export function runsCsv(runs: readonly Run[], columns: readonly RunColumn[], now: number): string {
  const header = ['run_id', ...columns.map(csvHeader)];
  return csvText([header, ...runs.map((run) => [run.info.runId, ...columns.map((column) => csvValue(run, column, now))])]);
}

/** "fraud / v2" → "fraud _ v2-runs.csv": no path separators or characters file systems refuse. */
export function csvFileName(experimentName: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  const safe = experimentName.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  return `${safe || 'experiment'}-runs.csv`;
}
