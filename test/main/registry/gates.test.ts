import { describe, expect, it } from 'vitest';
import type { GateOp, MetricRule, ReportKind } from '../../../main/contract/registry';
import { compare, evaluateGates, unknownMetricRules } from '../../../main/registry/gates';

describe('compare', () => {
  const cases: Array<[number, GateOp, number, boolean]> = [
    [0.9, '>=', 0.9, true],
    [0.89, '>=', 0.9, false],
    [0.9, '>', 0.9, false],
    [0.91, '>', 0.9, true],
    [0.1, '<=', 0.1, true],
    [0.2, '<=', 0.1, false],
    [0.1, '<', 0.1, false],
    [0.05, '<', 0.1, true],
    [3, '=', 3, true],
    [3.0001, '=', 3, false],
    [Number.NaN, '>=', 0, false],
    [Number.NaN, '<', 1, false],
  ];
  it.each(cases)('%s %s %s is %s', (value, op, threshold, expected) => {
    expect(compare(value, op, threshold)).toBe(expected);
  });
});

describe('evaluateGates', () => {
  const auc: MetricRule = { Metric: 'validation:auc', Op: '>=', Threshold: 0.5 };
  const rmse: MetricRule = { Metric: 'validation:rmse', Op: '<', Threshold: 2 };
  const metrics = [
    { MetricName: 'validation:auc', Value: 0.97 },
    { MetricName: 'validation:rmse', Value: 3 },
  ];
  const cases: Array<[string, MetricRule[], ReportKind[], Array<{ MetricName: string; Value: number }>, ReportKind[], string[]]> = [
    ['no gates', [], [], [], [], []],
    ['a met rule', [auc], [], metrics, [], []],
    ['an unmet rule', [rmse], [], metrics, [], ['metric rule validation:rmse < 2: validation:rmse is 3']],
    ['a rule on a metric the version lacks', [auc], [], [], [], ['metric rule validation:auc >= 0.5: the version has no validation:auc value']],
    ['a missing report', [auc], ['evaluation'], metrics, [], ['required evaluation report: none filed for the version']],
    ['a filed report', [auc], ['evaluation'], metrics, ['evaluation'], []],
    [
      'every unmet condition, rules then reports',
      [auc, rmse],
      ['evaluation', 'bias', 'model-card'],
      [{ MetricName: 'validation:auc', Value: 0.4 }, { MetricName: 'validation:rmse', Value: 9 }],
      ['bias'],
      [
        'metric rule validation:auc >= 0.5: validation:auc is 0.4',
        'metric rule validation:rmse < 2: validation:rmse is 9',
        'required evaluation report: none filed for the version',
        'required model-card report: none filed for the version',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, rules, required, values, reports, unmet) => {
    expect(evaluateGates({ MetricRules: rules, RequiredReports: required }, values, reports)).toEqual({ Passed: unmet.length === 0, Unmet: unmet });
  });
});

describe('metric names', () => {
  const cases: Array<[string[], string[], string[]]> = [
    [['validation:auc'], ['validation:auc', 'train:auc'], []],
    [['validation:auc', 'validation:f1'], ['validation:auc'], ['validation:f1']],
    [['validation:auc'], [], ['validation:auc']],
    [[], [], []],
  ];
  it.each(cases)('rules on %j with known %j leave %j unknown', (metrics, known, unknown) => {
    const rules = metrics.map((Metric): MetricRule => ({ Metric, Op: '>=', Threshold: 0 }));
    expect(unknownMetricRules(rules, known).map((r) => r.Metric)).toEqual(unknown);
  });
});
