/**
 * The registry's rows in SQLite: groups, versions and the append-only audit trail (migration 8);
 * gates and reports (migration 9); evaluation jobs and model cards (migration 10).
 */
import type { ApprovalAuditEntry, EvaluationJob, EvaluationReportKind, FiledReport, GateOp, InferenceSpecification, MetricRule, ModelApprovalStatus, ModelCardContent, ModelEvidence, ReportKind, Tag } from '../contract/registry';
import type { MetadataStore } from '../store/metadataStore';

export interface GroupRow {
  name: string;
  description: string | null;
  createdAt: string;
  tags: Tag[];
}

export interface PackageRow {
  arn: string;
  groupName: string;
  version: number;
  description: string | null;
  approvalStatus: ModelApprovalStatus;
  approvalDescription: string | null;
  inferenceSpecification: InferenceSpecification | null;
  modelMetrics: Record<string, unknown> | null;
  customerMetadata: Record<string, string>;
  modelDataUrl: string | null;
  sourceTrainingJob: string | null;
  evidence: ModelEvidence | null;
  createdBy: string;
  createdAt: string;
  modifiedAt: string;
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
const parse = <T>(raw: string | null): T | null => (raw === null ? null : (JSON.parse(raw) as T));

function toPackage(raw: Record<string, unknown>): PackageRow {
  return {
    arn: raw.arn as string,
    groupName: raw.group_name as string,
    version: raw.version as number,
    description: raw.description as string | null,
    approvalStatus: raw.approval_status as ModelApprovalStatus,
    approvalDescription: raw.approval_description as string | null,
    inferenceSpecification: parse(raw.inference_specification as string | null),
    modelMetrics: parse(raw.model_metrics as string | null),
    customerMetadata: parse(raw.customer_metadata as string) ?? {},
    modelDataUrl: raw.model_data_url as string | null,
    sourceTrainingJob: raw.source_training_job as string | null,
    evidence: parse(raw.evidence as string | null),
    createdBy: raw.created_by as string,
    createdAt: raw.created_at as string,
    modifiedAt: raw.modified_at as string,
  };
}

export class RegistryStore {
  constructor(private readonly store: MetadataStore) {}

  private get db() {
    return this.store.db;
  }

  insertGroup(row: GroupRow): void {
    this.db.prepare('INSERT INTO model_package_groups (name, description, created_at, tags) VALUES (?, ?, ?, ?)').run(row.name, row.description, row.createdAt, JSON.stringify(row.tags));
  }

  /** By name, case-insensitively: the ARN lower-cases it, so that is how a caller may know it. */
  group(name: string): GroupRow | null {
    const raw = this.db.prepare('SELECT * FROM model_package_groups WHERE lower(name) = lower(?)').get(name) as Record<string, string | null> | undefined;
    return raw ? { name: raw.name!, description: raw.description ?? null, createdAt: raw.created_at!, tags: JSON.parse(raw.tags!) as Tag[] } : null;
  }

  groups(nameContains?: string): GroupRow[] {
    const names = this.db.prepare('SELECT name FROM model_package_groups WHERE instr(lower(name), lower(?)) > 0').all(nameContains ?? '') as Array<{ name: string }>;
    return names.map((r) => this.group(r.name)!);
  }

  /**
   * Numbers the version inside the insert's transaction: two registrations racing on one group
   * cannot take the same number (UNIQUE (group_name, version) backs this up).
   */
  insertPackage(groupName: string, build: (version: number) => PackageRow): PackageRow {
    return this.db.transaction(() => {
      const { next } = this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS next FROM model_packages WHERE group_name = ?').get(groupName) as { next: number };
      const row = build(next);
      this.db
        .prepare(
          `INSERT INTO model_packages (arn, group_name, version, description, approval_status, approval_description, inference_specification,
             model_metrics, customer_metadata, model_data_url, source_training_job, evidence, created_by, created_at, modified_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.arn, row.groupName, row.version, row.description, row.approvalStatus, row.approvalDescription, json(row.inferenceSpecification), json(row.modelMetrics), JSON.stringify(row.customerMetadata), row.modelDataUrl, row.sourceTrainingJob, json(row.evidence), row.createdBy, row.createdAt, row.modifiedAt);
      return row;
    })();
  }

  package(arn: string): PackageRow | null {
    const raw = this.db.prepare('SELECT * FROM model_packages WHERE arn = ?').get(arn) as Record<string, unknown> | undefined;
    return raw ? toPackage(raw) : null;
  }

  packages(filter: { groupName?: string; status?: ModelApprovalStatus; nameContains?: string }): PackageRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM model_packages WHERE (? IS NULL OR group_name = ?) AND (? IS NULL OR approval_status = ?)
           AND instr(lower(group_name), lower(?)) > 0`,
      )
      .all(filter.groupName ?? null, filter.groupName ?? null, filter.status ?? null, filter.status ?? null, filter.nameContains ?? '') as Array<Record<string, unknown>>;
    return rows.map(toPackage);
  }

  /** Writes the package's new state and its audit row together, or neither. */
  updatePackage(row: PackageRow, audit: Omit<ApprovalAuditEntry, 'Id'> | null): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE model_packages SET approval_status = ?, approval_description = ?, customer_metadata = ?, modified_at = ? WHERE arn = ?')
        .run(row.approvalStatus, row.approvalDescription, JSON.stringify(row.customerMetadata), row.modifiedAt, row.arn);
      if (audit) this.appendAudit(audit);
    })();
  }

  appendAudit(entry: Omit<ApprovalAuditEntry, 'Id'>): void {
    this.db
      .prepare('INSERT INTO model_approval_audit (package_arn, at, actor, from_status, to_status, comment, outcome, override_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.ModelPackageArn, entry.At, entry.Actor, entry.FromStatus, entry.ToStatus, entry.Comment ?? null, entry.Outcome, entry.OverrideReason ?? null);
  }

  audit(arn: string): ApprovalAuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM model_approval_audit WHERE package_arn = ? ORDER BY id').all(arn) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      Id: r.id as number,
      ModelPackageArn: r.package_arn as string,
      At: r.at as string,
      Actor: r.actor as string,
      FromStatus: r.from_status as ModelApprovalStatus | null,
      ToStatus: r.to_status as ModelApprovalStatus,
      ...(r.comment !== null ? { Comment: r.comment as string } : {}),
      Outcome: r.outcome as ApprovalAuditEntry['Outcome'],
      ...(r.override_reason !== null ? { OverrideReason: r.override_reason as string } : {}),
    }));
  }

  /** When each version of the group was last approved (its latest applied move to Approved). */
  approvalTimes(groupName: string): Map<string, string> {
    const rows = this.db
      .prepare(
        `SELECT a.package_arn AS arn, max(a.at) AS at FROM model_approval_audit a JOIN model_packages p ON p.arn = a.package_arn
          WHERE p.group_name = ? AND a.outcome = 'applied' AND a.to_status = 'Approved' GROUP BY a.package_arn`,
      )
      .all(groupName) as Array<{ arn: string; at: string }>;
    return new Map(rows.map((r) => [r.arn, r.at]));
  }

  /** Replaces the group's gates as a whole, in one transaction. */
  setGates(groupName: string, rules: readonly MetricRule[], reports: readonly ReportKind[], autoApprove = false): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE model_package_groups SET auto_approve = ? WHERE name = ?').run(autoApprove ? 1 : 0, groupName);
      this.db.prepare('DELETE FROM model_gate_rules WHERE group_name = ?').run(groupName);
      this.db.prepare('DELETE FROM model_gate_reports WHERE group_name = ?').run(groupName);
      const rule = this.db.prepare('INSERT INTO model_gate_rules (group_name, position, metric, op, threshold) VALUES (?, ?, ?, ?, ?)');
      rules.forEach((r, i) => rule.run(groupName, i, r.Metric, r.Op, r.Threshold));
      const report = this.db.prepare('INSERT INTO model_gate_reports (group_name, kind) VALUES (?, ?)');
      for (const kind of reports) report.run(groupName, kind);
    })();
  }

  gates(groupName: string): { rules: MetricRule[]; reports: ReportKind[]; autoApprove: boolean } {
    const group = this.db.prepare('SELECT auto_approve FROM model_package_groups WHERE name = ?').get(groupName) as { auto_approve: number } | undefined;
    const rules = this.db.prepare('SELECT metric, op, threshold FROM model_gate_rules WHERE group_name = ? ORDER BY position').all(groupName) as Array<{ metric: string; op: GateOp; threshold: number }>;
    const reports = this.db.prepare('SELECT kind FROM model_gate_reports WHERE group_name = ? ORDER BY rowid').all(groupName) as Array<{ kind: ReportKind }>;
    return { rules: rules.map((r) => ({ Metric: r.metric, Op: r.op, Threshold: r.threshold })), reports: reports.map((r) => r.kind), autoApprove: group?.auto_approve === 1 };
  }

  insertReport(arn: string, kind: ReportKind, createdAt: string, body: Record<string, unknown>, processingJob: string | null = null): number {
    const info = this.db.prepare('INSERT INTO model_reports (package_arn, kind, created_at, body, processing_job) VALUES (?, ?, ?, ?, ?)').run(arn, kind, createdAt, JSON.stringify(body), processingJob);
    return Number(info.lastInsertRowid);
  }

  /** The kinds of report filed on a version, each once. */
  reportKinds(arn: string): ReportKind[] {
    const rows = this.db.prepare('SELECT DISTINCT kind FROM model_reports WHERE package_arn = ?').all(arn) as Array<{ kind: ReportKind }>;
    return rows.map((r) => r.kind);
  }

  /** The latest report of each kind filed on a version. */
  latestReports(arn: string): FiledReport[] {
    const rows = this.db
      .prepare('SELECT * FROM model_reports WHERE id IN (SELECT max(id) FROM model_reports WHERE package_arn = ? GROUP BY kind) ORDER BY id')
      .all(arn) as Array<{ id: number; kind: ReportKind; created_at: string; body: string; processing_job: string | null }>;
    return rows.map((r) => ({ ReportId: r.id, Kind: r.kind, CreationTime: r.created_at, ...(r.processing_job ? { ProcessingJobName: r.processing_job } : {}), Body: JSON.parse(r.body) as Record<string, unknown> }));
  }

  insertEvaluation(row: EvaluationRow): void {
    this.db
      .prepare('INSERT INTO model_evaluations (job_name, package_arn, reports, test_data_url, output_url, status, failure_reason, created_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.jobName, row.arn, JSON.stringify(row.reports), row.testDataUrl, row.outputUrl, row.status, row.failureReason, row.createdAt, row.endedAt);
  }

  evaluation(jobName: string): EvaluationRow | null {
    const raw = this.db.prepare('SELECT * FROM model_evaluations WHERE job_name = ?').get(jobName) as Record<string, unknown> | undefined;
    return raw ? toEvaluation(raw) : null;
  }

  /** A version's evaluations newest first, or (no arn) every one still InProgress. */
  evaluations(arn: string | null): EvaluationRow[] {
    const rows = (arn === null
      ? this.db.prepare("SELECT * FROM model_evaluations WHERE status = 'InProgress' ORDER BY created_at").all()
      : this.db.prepare('SELECT * FROM model_evaluations WHERE package_arn = ? ORDER BY created_at DESC, rowid DESC').all(arn)) as Array<Record<string, unknown>>;
    return rows.map(toEvaluation);
  }

  /**
   * Ends an evaluation and files its reports in one transaction, once: an evaluation already
   * ended is left as it is (answers false), so a repeated completion event files nothing twice.
   */
  finishEvaluation(jobName: string, end: { status: EvaluationRow['status']; failureReason: string | null; endedAt: string }, reports: Array<{ kind: ReportKind; body: Record<string, unknown> }>): boolean {
    return this.db.transaction(() => {
      const row = this.evaluation(jobName);
      if (!row || row.status !== 'InProgress') return false;
      this.db.prepare('UPDATE model_evaluations SET status = ?, failure_reason = ?, ended_at = ? WHERE job_name = ?').run(end.status, end.failureReason, end.endedAt, jobName);
      for (const report of reports) this.insertReport(row.arn, report.kind, end.endedAt, report.body, jobName);
      return true;
    })();
  }

  card(arn: string): { content: ModelCardContent; modifiedAt: string; modifiedBy: string } | null {
    const raw = this.db.prepare('SELECT * FROM model_cards WHERE package_arn = ?').get(arn) as { content: string; modified_at: string; modified_by: string } | undefined;
    return raw ? { content: JSON.parse(raw.content) as ModelCardContent, modifiedAt: raw.modified_at, modifiedBy: raw.modified_by } : null;
  }

  saveCard(arn: string, content: ModelCardContent, modifiedAt: string, modifiedBy: string): void {
    this.db
      .prepare('INSERT INTO model_cards (package_arn, content, modified_at, modified_by) VALUES (?, ?, ?, ?) ON CONFLICT (package_arn) DO UPDATE SET content = excluded.content, modified_at = excluded.modified_at, modified_by = excluded.modified_by')
      .run(arn, JSON.stringify(content), modifiedAt, modifiedBy);
  }
}

export interface EvaluationRow {
  jobName: string;
  arn: string;
  reports: EvaluationReportKind[];
  testDataUrl: string;
  /** Where the job's output folder is copied (s3:// in Lathe's object store). */
  outputUrl: string;
  status: EvaluationJob['Status'];
  failureReason: string | null;
  createdAt: string;
  endedAt: string | null;
}

function toEvaluation(raw: Record<string, unknown>): EvaluationRow {
  return {
    jobName: raw.job_name as string,
    arn: raw.package_arn as string,
    reports: JSON.parse(raw.reports as string) as EvaluationReportKind[],
    testDataUrl: raw.test_data_url as string,
    outputUrl: raw.output_url as string,
    status: raw.status as EvaluationJob['Status'],
    failureReason: raw.failure_reason as string | null,
    createdAt: raw.created_at as string,
    endedAt: raw.ended_at as string | null,
  };
}
