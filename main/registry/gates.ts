/**
 * A group's approval gates as pure policy: which metric rules and required reports a version
 * meets, and which rules name metrics the group's versions do not carry. The registry service
 * does the wiring (store, audit row, refusal).
 */
import type { GateCheck, GateOp, MetricRule, ModelEvidence, ReportKind } from '../contract/registry';

export interface GateSpec {
  MetricRules: readonly MetricRule[];
  RequiredReports: readonly ReportKind[];
}

/** Whether `value op threshold` holds; NaN never does. */
export function compare(value: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '=':
      return value === threshold;
  }
}

export const ruleText = (rule: MetricRule) => `${rule.Metric} ${rule.Op} ${rule.Threshold}`;

/**
 * Every unmet condition of `gates` for a version with these metrics and filed reports, one
 * human-readable line each, rules first in their order, then reports in theirs.
 */
export function evaluateGates(gates: GateSpec, metrics: ModelEvidence['FinalMetrics'], reports: readonly ReportKind[]): GateCheck {
  const unmet: string[] = [];
  for (const rule of gates.MetricRules) {
    const metric = metrics.find((m) => m.MetricName === rule.Metric);
    if (!metric) unmet.push(`metric rule ${ruleText(rule)}: the version has no ${rule.Metric} value`);
    else if (!compare(metric.Value, rule.Op, rule.Threshold)) unmet.push(`metric rule ${ruleText(rule)}: ${rule.Metric} is ${metric.Value}`);
  }
  for (const kind of gates.RequiredReports) {
    if (!reports.includes(kind)) unmet.push(`required ${kind} report: none filed for the version`);
  }
  return { Passed: unmet.length === 0, Unmet: unmet };
}

/** The rules whose metric none of the group's versions carries (empty when all are known). */
export function unknownMetricRules(rules: readonly MetricRule[], known: Iterable<string>): MetricRule[] {
  const names = new Set(known);
  return rules.filter((rule) => !names.has(rule.Metric));
}
