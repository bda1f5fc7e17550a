/**
 * Report bodies (docs/registry-reports.md) read defensively into what the Evidence tab draws. A
 * body comes from a job's JSON: any field may be missing, null, of another type, or one of the
 * strings "Infinity"/"-Infinity". Nothing here throws; what cannot be read becomes null (shown "—")
 * or is left out.
 */
import { formatValue, numberOf } from './registryFormat';

/** ROC points drawn at most; a longer curve is thinned evenly, keeping both ends. */
export const MAX_ROC_POINTS = 400;
/** Features the importance chart shows (the table below it lists them all). */
export const MAX_CHART_FEATURES = 20;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (value: unknown, key: string): Json | null => (isObject(value) && isObject(value[key]) ? value[key] : null);
const arrayAt = (value: unknown, key: string): unknown[] | null => (isObject(value) && Array.isArray(value[key]) ? value[key] : null);
const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);
/** A value or a list of them ("[1, 2]"), as a facet's value_or_threshold may be. */
const labelOf = (value: unknown): string | null => (Array.isArray(value) ? `[${value.map((v) => textOf(v) ?? '?').join(', ')}]` : textOf(value));

export interface NamedValue {
  name: string;
  value: number | null;
}

export interface ConfusionMatrix {
  labels: string[];
  /** Rows are the actual class, columns the predicted one. */
  matrix: Array<Array<number | null>>;
}

export interface RocPoint {
  fpr: number;
  tpr: number;
}

export interface EvaluationView {
  problemType: string | null;
  /** The model as the job saw it, e.g. "xgboost binary:logistic". */
  model: string | null;
  rows: number | null;
  /** A count, or the length of the list of names. */
  features: number | null;
  metrics: NamedValue[];
  confusion: ConfusionMatrix | null;
  roc: RocPoint[] | null;
  warnings: string[];
}

export interface FeatureImportance {
  name: string;
  importance: number | null;
  meanShap: number | null;
}

export interface ExplainabilityView {
  method: string | null;
  rows: number | null;
  /** One value, or one per class ("0.1, 0.5, 0.4"). */
  expectedValue: string | null;
  features: FeatureImportance[];
  warnings: string[];
}

export interface BiasMetric {
  name: string;
  description: string | null;
  value: number | null;
  error: string | null;
}

export interface BiasGroup {
  stage: 'Pre-training' | 'Post-training';
  facet: string;
  valueOrThreshold: string;
  metrics: BiasMetric[];
}

export interface BiasView {
  facet: string | null;
  valueOrThreshold: string | null;
  counts: { nA: number | null; nD: number | null };
  groups: BiasGroup[];
}

/** Evenly thinned to at most `max` items, the first and last kept. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
}

function readConfusion(body: Json): ConfusionMatrix | null {
  const confusion = objectAt(body, 'confusion_matrix');
  const rows = arrayAt(confusion, 'matrix');
  if (!rows || rows.length === 0 || !rows.every(Array.isArray)) return null;
  const matrix = (rows as unknown[][]).map((row) => row.map(numberOf));
  const size = Math.max(...matrix.map((row) => row.length));
  const given = (arrayAt(confusion, 'labels') ?? []).map(textOf);
  const labels = Array.from({ length: Math.max(size, matrix.length) }, (_, i) => given[i] ?? String(i));
  return { labels, matrix };
}

function readRoc(body: Json): RocPoint[] | null {
  const roc = objectAt(body, 'roc');
  const fpr = arrayAt(roc, 'fpr');
  const tpr = arrayAt(roc, 'tpr');
  if (!fpr || !tpr) return null;
  const points: RocPoint[] = [];
  for (let i = 0; i < Math.min(fpr.length, tpr.length); i++) {
    const x = numberOf(fpr[i]);
    const y = numberOf(tpr[i]);
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) points.push({ fpr: x, tpr: y });
  }
  return points.length >= 2 ? thin(points, MAX_ROC_POINTS) : null;
}

function warningsOf(json: Json): string[] {
  return (arrayAt(json, 'warnings') ?? []).filter((w): w is string => typeof w === 'string');
}

function expectedValueOf(value: unknown): string | null {
  const values = (Array.isArray(value) ? value : [value]).map(numberOf);
  return values.length === 0 || values.some((v) => v === null) ? null : values.map((v) => formatValue(v)).join(', ');
}

export function readEvaluation(body: unknown): EvaluationView {
  const json = isObject(body) ? body : {};
  const metrics = objectAt(json, 'metrics') ?? {};
  const dataset = objectAt(json, 'dataset');
  const model = objectAt(json, 'model');
  const modelText = [textOf(model?.algorithm), textOf(model?.objective)].filter((t) => t !== null).join(' ');
  return {
    problemType: textOf(json.problem_type),
    model: modelText === '' ? null : modelText,
    rows: numberOf(dataset?.rows),
    features: Array.isArray(dataset?.features) ? dataset.features.length : numberOf(dataset?.features),
    metrics: Object.entries(metrics).map(([name, value]) => ({ name, value: numberOf(value) })),
    confusion: readConfusion(json),
    roc: readRoc(json),
    warnings: warningsOf(json),
  };
}

/** Biggest importance first; features without one last. */
function byImportance(a: FeatureImportance, b: FeatureImportance): number {
  const rank = (f: FeatureImportance) => (f.importance === null || Number.isNaN(f.importance) ? -Infinity : f.importance);
  const [x, y] = [rank(a), rank(b)];
  return x === y ? 0 : y > x ? 1 : -1;
}

export function readExplainability(body: unknown): ExplainabilityView {
  const json = isObject(body) ? body : {};
  // A nameless entry is called by its place in the list.
  const features = (arrayAt(json, 'features') ?? [])
    .flatMap((f, i) => (isObject(f) ? [{ name: textOf(f.name) ?? `feature ${i}`, importance: numberOf(f.importance), meanShap: numberOf(f.mean_shap) }] : []))
    .sort(byImportance);
  return { method: textOf(json.method), rows: numberOf(json.rows), expectedValue: expectedValueOf(json.expected_value), features, warnings: warningsOf(json) };
}

function readBiasStage(json: Json, key: string, stage: BiasGroup['stage']): BiasGroup[] {
  const facets = objectAt(objectAt(json, key), 'facets');
  if (!facets) return [];
  return Object.entries(facets).flatMap(([facet, entries]) =>
    (Array.isArray(entries) ? entries : []).filter(isObject).map((entry) => ({
      stage,
      facet,
      valueOrThreshold: labelOf(entry.value_or_threshold) ?? '',
      metrics: (arrayAt(entry, 'metrics') ?? []).filter(isObject).map((m) => ({
        name: textOf(m.name) ?? '?',
        description: textOf(m.description),
        value: numberOf(m.value),
        error: textOf(m.error),
      })),
    })),
  );
}

export function readBias(body: unknown): BiasView {
  const json = isObject(body) ? body : {};
  const facet = objectAt(json, 'facet');
  const counts = objectAt(json, 'counts');
  return {
    facet: textOf(facet?.name_or_index),
    valueOrThreshold: labelOf(facet?.value_or_threshold),
    counts: { nA: numberOf(counts?.n_a), nD: numberOf(counts?.n_d) },
    groups: [...readBiasStage(json, 'pre_training_bias_metrics', 'Pre-training'), ...readBiasStage(json, 'post_training_bias_metrics', 'Post-training')],
  };
}

/** The area under the curve given in the metrics (auc), for the ROC chart's caption. */
export function aucOf(view: EvaluationView): number | null {
  return view.metrics.find((m) => m.name === 'auc')?.value ?? null;
}
