/**
 * A version's evidence as pure functions: which metrics it carries (its training job's final
 * metrics and its latest evaluation report's, the latter as `evaluation:<name>`), which version is
 * the champion, and the deltas against it. The registry service does the reading.
 */
import type { FiledReport, MetricDelta, ModelEvidence } from '../contract/registry';

type Metric = ModelEvidence['FinalMetrics'][number];

/**
 * The metric names an evaluation report can carry (lathe.evaluation/1, docs/registry-reports.md),
 * so a gate may name `evaluation:auc` before the first evaluation has run.
 */
export const EVALUATION_METRICS = ['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss', 'precision_macro', 'recall_macro', 'f1_macro', 'auc_ovr_macro', 'rmse', 'mae', 'r2'].map((name) => `evaluation:${name}`);

/** An evaluation report's metrics as `evaluation:<name>`; values that are not finite numbers are left out. */
export function evaluationMetricsOf(report: FiledReport | undefined): Metric[] {
  const metrics = report?.Body.metrics;
  if (!metrics || typeof metrics !== 'object') return [];
  return Object.entries(metrics as Record<string, unknown>)
    .filter((entry): entry is [string, number] => entry[0] !== 'threshold' && typeof entry[1] === 'number' && Number.isFinite(entry[1]))
    .map(([name, value]) => ({ MetricName: `evaluation:${name}`, Value: value }));
}

/** Everything a gate can test: the training job's final metrics, then the evaluation's. */
export function versionMetrics(evidence: ModelEvidence | null, reports: readonly FiledReport[]): Array<Metric & { Source: MetricDelta['Source'] }> {
  return [
    ...(evidence?.FinalMetrics ?? []).map((m) => ({ ...m, Source: 'training' as const })),
    ...evaluationMetricsOf(reports.find((r) => r.Kind === 'evaluation')).map((m) => ({ ...m, Source: 'evaluation' as const })),
  ];
}

export interface ChampionCandidate {
  arn: string;
  version: number;
  approvalStatus: string;
  /** When it was last approved (its audit trail), not when it was last modified. */
  approvedAt: string;
}

/**
 * The group's champion for `self`: its most recently approved version other than `self` (the
 * later version wins a tie). None when no other version is Approved.
 */
export function championOf<T extends ChampionCandidate>(versions: readonly T[], selfArn: string): T | undefined {
  return versions
    .filter((v) => v.approvalStatus === 'Approved' && v.arn !== selfArn)
    .sort((a, b) => (a.approvedAt === b.approvedAt ? b.version - a.version : a.approvedAt < b.approvedAt ? 1 : -1))[0];
}

/** Each of the version's metrics beside the champion's value of the same metric, with the delta. */
export function metricDeltas(own: ReturnType<typeof versionMetrics>, champion: ReturnType<typeof versionMetrics> | null): MetricDelta[] {
  return own.map((metric) => {
    const row: MetricDelta = { Name: metric.MetricName, Value: metric.Value, Source: metric.Source };
    if (!champion) return row;
    const theirs = champion.find((m) => m.MetricName === metric.MetricName);
    row.ChampionValue = theirs ? theirs.Value : null;
    if (theirs) row.Delta = metric.Value - theirs.Value;
    return row;
  });
}
