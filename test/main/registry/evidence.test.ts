import { describe, expect, it } from 'vitest';
import type { FiledReport } from '../../../main/contract/registry';
import { championOf, evaluationMetricsOf, metricDeltas, versionMetrics } from '../../../main/registry/evidence';

const evidence = { Source: { TrainingJobName: 'j', TrainingJobArn: 'a' }, FinalMetrics: [{ MetricName: 'validation:auc', Value: 0.9 }] };
const report = (metrics: Record<string, unknown>): FiledReport => ({ ReportId: 1, Kind: 'evaluation', CreationTime: 't', Body: { format: 'lathe.evaluation/1', metrics } });

describe('evaluation metrics', () => {
  it('are the report metrics as evaluation:<name>, leaving out the threshold and values that are not finite numbers', () => {
    expect(evaluationMetricsOf(report({ auc: 0.8, accuracy: 0.5, threshold: 0.5, log_loss: 'Infinity', f1: null }))).toEqual([
      { MetricName: 'evaluation:auc', Value: 0.8 },
      { MetricName: 'evaluation:accuracy', Value: 0.5 },
    ]);
    expect(evaluationMetricsOf(undefined)).toEqual([]);
    expect(evaluationMetricsOf({ ...report({}), Body: { metrics: 'oops' } })).toEqual([]);
  });

  it('come after the training metrics, each marked with its source', () => {
    expect(versionMetrics(evidence, [report({ auc: 0.8 })])).toEqual([
      { MetricName: 'validation:auc', Value: 0.9, Source: 'training' },
      { MetricName: 'evaluation:auc', Value: 0.8, Source: 'evaluation' },
    ]);
    expect(versionMetrics(null, [])).toEqual([]);
  });
});

describe('the champion', () => {
  const v = (version: number, status: string, approvedAt: string) => ({ arn: `g/${version}`, version, approvalStatus: status, approvedAt });

  it('is the most recently approved version other than the one asked about; the later version wins a tie', () => {
    const versions = [v(1, 'Approved', '2026-01-01'), v(2, 'Approved', '2026-03-01'), v(3, 'Approved', '2026-03-01'), v(4, 'Rejected', '2026-04-01'), v(5, 'PendingManualApproval', '2026-05-01')];
    expect(championOf(versions, 'g/5')?.version).toBe(3);
    expect(championOf(versions, 'g/3')?.version).toBe(2);
    expect(championOf([v(1, 'Approved', 'x')], 'g/1')).toBeUndefined();
    expect(championOf([v(1, 'Rejected', 'x')], 'g/2')).toBeUndefined();
  });

  it('gives each metric its value and delta, null when the champion lacks the metric, nothing without a champion', () => {
    const own = versionMetrics(evidence, [report({ auc: 0.8 })]);
    const theirs = versionMetrics({ ...evidence, FinalMetrics: [{ MetricName: 'validation:auc', Value: 0.95 }] }, []);
    const deltas = metricDeltas(own, theirs);
    expect(deltas[0]).toMatchObject({ Name: 'validation:auc', Value: 0.9, ChampionValue: 0.95, Source: 'training' });
    expect(deltas[0]!.Delta).toBeCloseTo(-0.05, 12);
    expect(deltas[1]).toEqual({ Name: 'evaluation:auc', Value: 0.8, Source: 'evaluation', ChampionValue: null });
    expect(metricDeltas(own, null)).toEqual([
      { Name: 'validation:auc', Value: 0.9, Source: 'training' },
      { Name: 'evaluation:auc', Value: 0.8, Source: 'evaluation' },
    ]);
  });
});
