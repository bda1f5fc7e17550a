/** The gates editor as pure functions: a group's gates as a draft, the draft as a request, errors by field. */
import { GATE_OPS, REPORT_KINDS, type GateOp, type GroupGates, type ReportKind } from '../../../main/contract/registry';
import type { SetGatesRequest } from '../../../main/contract/registrySchemas';
import type { LatheError } from '../../../main/contract/result';
import { issuesOf } from './registryFormat';

export interface RuleDraft {
  /** Stable React key for the row. */
  key: number;
  metric: string;
  op: GateOp;
  threshold: string;
}

export interface GatesDraft {
  rules: RuleDraft[];
  reports: ReportKind[];
  /** Approve a pending version by itself once it meets every gate. */
  autoApprove: boolean;
}

/** Field errors: `rules.<i>.metric`, `rules.<i>.threshold`, `reports`, and `form` for the rest. */
export type GatesErrors = Record<string, string>;

export const REPORT_LABELS: Record<ReportKind, string> = {
  evaluation: 'Evaluation report',
  bias: 'Bias report',
  explainability: 'Explainability report',
  'model-card': 'Complete model card',
};

let nextKey = 1;

export function emptyRule(metric = ''): RuleDraft {
  return { key: nextKey++, metric, op: '>=', threshold: '' };
}

export function draftOf(gates: GroupGates | null): GatesDraft {
  return {
    rules: (gates?.MetricRules ?? []).map((rule) => ({ key: nextKey++, metric: rule.Metric, op: rule.Op, threshold: String(rule.Threshold) })),
    reports: [...(gates?.RequiredReports ?? [])],
    autoApprove: gates?.AutoApprove ?? false,
  };
}

export function isGateOp(value: string): value is GateOp {
  return (GATE_OPS as readonly string[]).includes(value);
}

/** The draft as registry.setGates takes it, or what to fix first. */
export function toGatesRequest(group: string, draft: GatesDraft): { request: SetGatesRequest } | { errors: GatesErrors } {
  const errors: GatesErrors = {};
  const rules = draft.rules.map((rule, i) => {
    const metric = rule.metric.trim();
    const threshold = rule.threshold.trim() === '' ? NaN : Number(rule.threshold);
    if (metric === '') errors[`rules.${i}.metric`] = 'Name the metric, e.g. validation:auc';
    if (!Number.isFinite(threshold)) errors[`rules.${i}.threshold`] = 'Give a number, e.g. 0.9';
    return { Metric: metric, Op: rule.op, Threshold: threshold };
  });
  if (draft.autoApprove && rules.length === 0 && draft.reports.length === 0) errors.autoApprove = 'Add a metric rule or a required report for the gates to decide on';
  if (Object.keys(errors).length > 0) return { errors };
  const reports = REPORT_KINDS.filter((kind) => draft.reports.includes(kind));
  return { request: { ModelPackageGroupName: group, MetricRules: rules, RequiredReports: reports, AutoApprove: draft.autoApprove } };
}

/**
 * A refused setGates as errors on the fields it names: an unknown metric on that rule's metric,
 * schema issues on their field, and main's message for the whole form.
 */
export function gatesErrorsOf(error: LatheError, draft: GatesDraft): GatesErrors {
  const errors: GatesErrors = { form: error.message };
  const unknown = (error.details as { UnknownMetrics?: unknown } | undefined)?.UnknownMetrics;
  if (Array.isArray(unknown)) {
    draft.rules.forEach((rule, i) => {
      if (unknown.includes(rule.metric.trim())) errors[`rules.${i}.metric`] = `No version of this group carries ${rule.metric.trim()}`;
    });
  }
  for (const issue of issuesOf(error)) {
    const [top, index, field] = issue.path;
    if (top === 'MetricRules' && index !== undefined && field) errors[`rules.${index}.${field === 'Metric' ? 'metric' : field === 'Threshold' ? 'threshold' : 'op'}`] = issue.message;
    else if (top === 'RequiredReports') errors.reports = issue.message;
    else if (top === 'AutoApprove') errors.autoApprove = issue.message;
  }
  return errors;
}

/** "validation:auc ≥ 0.9" for a rule as shown. */
export function ruleLabel(rule: { Metric: string; Op: GateOp; Threshold: number }): string {
  const op = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=' }[rule.Op];
  return `${rule.Metric} ${op} ${rule.Threshold}`;
}
