/**
 * Evaluation jobs on registry versions. An evaluation is a processing job on the job runner
 * (`python3 -m lathe.evaluate`, resources/python/lathe/evaluate) with the version's model.tar.gz
 * and a test set as inputs. When the job completes, the reports it wrote are read from its output
 * and filed on the version in one transaction; a failed or stopped job files nothing and says why.
 * Only these jobs file evaluation, explainability and bias reports: evidence is computed, not typed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalid, precondition } from '../api/errors';
import type { EvaluationJob, EvaluationReportKind, RegistryChange } from '../contract/registry';
import type { EvaluateRequest } from '../contract/registrySchemas';
import type { JobSummary, ProcessingJobDescription } from '../contract/training';
import type { CreateProcessingJobRequest } from '../contract/trainingSchemas';
import { resolveDataUri, toS3Uri } from '../jobs/dataUri';
import type { Logger } from '../log/logger';
import type { PackageRow, EvaluationRow, RegistryStore } from './registryStore';

export interface EvaluationDeps {
  store: RegistryStore;
  processing: {
    create(request: CreateProcessingJobRequest, actor: string): Promise<{ ProcessingJobArn: string }>;
    describe(name: string): ProcessingJobDescription;
  };
  objectStore: string;
  changed(change: RegistryChange): void;
  /** Reports were filed on this version (the registry may auto-approve it). */
  filed?(arn: string): void;
  logger?: Logger;
  clock?: () => Date;
}

/** What each report's JSON must declare (docs/registry-reports.md). */
const FORMATS: Record<EvaluationReportKind, string> = { evaluation: 'lathe.evaluation/1', explainability: 'lathe.explainability/1', bias: 'lathe.bias/1' };
const MAX_REPORT_BYTES = 4_000_000;
const ML_MODEL = '/opt/ml/processing/model';
const ML_TEST = '/opt/ml/processing/test';
const ML_OUTPUT = '/opt/ml/processing/output';

/** The job's arguments as ≤256-character pieces: long feature-name lists go in several flags. */
export function evaluationArguments(request: EvaluateRequest, modelFile: string, reports: readonly EvaluationReportKind[]): string[] {
  const args = ['--model', `${ML_MODEL}/${modelFile}`, '--data', ML_TEST, '--output', ML_OUTPUT, '--reports', reports.join(','), '--failure-file', '/opt/ml/output/message'];
  if (request.ProblemType) args.push('--problem-type', request.ProblemType);
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length > 0) args.push('--feature-names', chunk.join(','));
    chunk = [];
  };
  for (const name of request.FeatureNames ?? []) {
    if ([...chunk, name].join(',').length > 256) flush();
    chunk.push(name);
  }
  flush();
  if (request.ProbabilityThreshold !== undefined) args.push('--probability-threshold', String(request.ProbabilityThreshold));
  if (request.LabelValues) args.push('--label-values', request.LabelValues.join(','));
  if (request.Facet && reports.includes('bias')) {
    args.push('--facet', String(request.Facet.NameOrIndex));
    if (request.Facet.Values) args.push('--facet-values', request.Facet.Values.join(','));
    if (request.Facet.Threshold !== undefined) args.push('--facet-threshold', String(request.Facet.Threshold));
  }
  return args;
}

/** A processing job name for this evaluation: 1–63 letters, digits and hyphens. */
function jobNameFor(row: PackageRow, at: Date): string {
  const group = row.groupName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '') || 'model';
  return `eval-${group}-v${row.version}-${at.getTime().toString(36)}`.slice(0, 63);
}

export class RegistryEvaluations {
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly deps: EvaluationDeps) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  async start(row: PackageRow, request: EvaluateRequest, actor: string): Promise<{ ProcessingJobName: string; ProcessingJobArn: string }> {
    const reports = request.Reports ?? (['evaluation', 'explainability', ...(request.Facet ? ['bias' as const] : [])] as EvaluationReportKind[]);
    if (!row.modelDataUrl) throw precondition(`${row.arn} has no ModelDataUrl: there is no model to evaluate`);
    const modelFile = resolveDataUri(row.modelDataUrl, this.deps.objectStore, 'ModelDataUrl');
    if (!fs.statSync(modelFile, { throwIfNoEntry: false })?.isFile()) throw precondition(`the model of ${row.arn} is no longer at ${modelFile}; register the version again from its model.tar.gz`);
    // An absolute path is taken as the file:// URI of that path, as the schema documents.
    const given = path.isAbsolute(request.TestDataUrl) ? pathToFileURL(request.TestDataUrl).href : request.TestDataUrl;
    const testData = resolveDataUri(given, this.deps.objectStore, 'TestDataUrl');
    const stat = fs.statSync(testData, { throwIfNoEntry: false });
    if (!stat || (!stat.isFile() && !stat.isDirectory())) throw invalid(`TestDataUrl ${JSON.stringify(request.TestDataUrl)} names ${testData}, which does not exist; give a CSV file or a folder of them (label first, no header)`, { field: 'TestDataUrl' });
    const at = this.now();
    const name = jobNameFor(row, at);
    const outputUrl = `s3://lathe-registry/evaluations/${row.groupName.toLowerCase()}/${row.version}/${name}`;
    const testUri = toS3Uri(testData, this.deps.objectStore);
    const evaluation: EvaluationRow = { jobName: name, arn: row.arn, reports, testDataUrl: testUri, outputUrl, status: 'InProgress', failureReason: null, createdAt: at.toISOString(), endedAt: null };
    // Recorded before the job exists, so its completion can never arrive unannounced.
    this.deps.store.insertEvaluation(evaluation);
    try {
      const created = await this.deps.processing.create(
        {
          ProcessingJobName: name,
          ProcessingInputs: [
            { InputName: 'model', S3Input: { S3Uri: toS3Uri(modelFile, this.deps.objectStore), LocalPath: ML_MODEL, S3DataType: 'S3Prefix', S3InputMode: 'File' } },
            { InputName: 'test', S3Input: { S3Uri: testUri, LocalPath: ML_TEST, S3DataType: 'S3Prefix', S3InputMode: 'File' } },
          ],
          ProcessingOutputConfig: { Outputs: [{ OutputName: 'reports', S3Output: { S3Uri: outputUrl, LocalPath: ML_OUTPUT, S3UploadMode: 'EndOfJob' } }] },
          ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'local', VolumeSizeInGB: 1 } },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '-m', 'lathe.evaluate'], ContainerArguments: evaluationArguments(request, path.basename(modelFile), reports) },
          RoleArn: 'arn:aws:iam::000000000000:role/lathe',
          Tags: [{ Key: 'lathe:model-package', Value: row.arn }],
        },
        actor,
      );
      this.deps.changed({ kind: 'evaluation-changed', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
      return { ProcessingJobName: name, ProcessingJobArn: created.ProcessingJobArn };
    } catch (error) {
      this.deps.store.finishEvaluation(name, { status: 'Failed', failureReason: `the evaluation job could not start: ${(error as Error).message}`, endedAt: this.now().toISOString() }, []);
      this.deps.changed({ kind: 'evaluation-changed', ModelPackageGroupName: row.groupName, ModelPackageArn: row.arn, ModelApprovalStatus: row.approvalStatus });
      throw error;
    }
  }

  list(arn: string): EvaluationJob[] {
    return this.deps.store.evaluations(arn).map(describeEvaluation);
  }

  /** A processing job changed: an evaluation's job that ended files its reports (or its failure). */
  onJobChanged(job: JobSummary): void {
    if (job.Kind !== 'processing') return;
    const status = job.ProcessingJobStatus;
    if (status !== 'Completed' && status !== 'Failed' && status !== 'Stopped') return;
    try {
      const row = this.deps.store.evaluation(job.ProcessingJobName);
      if (row?.status === 'InProgress') this.finish(row, status, job.FailureReason ?? job.ExitMessage ?? null);
    } catch (error) {
      // The bus drops a listener's errors: say so, and settle it again shortly (the store may be busy).
      this.deps.logger?.error(`could not file the reports of evaluation ${job.ProcessingJobName}; retrying`, error);
      this.retry ??= setTimeout(() => {
        this.retry = null;
        try {
          this.reconcile();
        } catch (again) {
          this.deps.logger?.error('settling evaluations failed again; they are settled at the next start', again);
        }
      }, 5000);
      this.retry.unref();
    }
  }

  dispose(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  /** Evaluations whose job ended while nobody was listening (Lathe restarted): settle them now. */
  reconcile(): void {
    for (const row of this.deps.store.evaluations(null)) {
      let job: ProcessingJobDescription;
      try {
        job = this.deps.processing.describe(row.jobName);
      } catch {
        this.finish(row, 'Failed', `its processing job ${row.jobName} no longer exists`);
        continue;
      }
      const status = job.ProcessingJobStatus;
      if (status === 'Completed' || status === 'Failed' || status === 'Stopped') this.finish(row, status, job.FailureReason ?? job.ExitMessage ?? null);
    }
  }

  private finish(row: EvaluationRow, status: 'Completed' | 'Failed' | 'Stopped', reason: string | null): void {
    const endedAt = this.now().toISOString();
    let filed: Array<{ kind: EvaluationReportKind; body: Record<string, unknown> }> = [];
    let end: { status: EvaluationRow['status']; failureReason: string | null } = { status, failureReason: status === 'Completed' ? null : (reason ?? `the evaluation job ended ${status}`) };
    if (status === 'Completed') {
      try {
        filed = row.reports.map((kind) => ({ kind, body: this.readReport(row, kind) }));
      } catch (error) {
        end = { status: 'Failed', failureReason: (error as Error).message };
        filed = [];
      }
    }
    if (!this.deps.store.finishEvaluation(row.jobName, { ...end, endedAt }, filed)) return;
    const pkg = this.deps.store.package(row.arn);
    if (!pkg) return;
    const change = { ModelPackageGroupName: pkg.groupName, ModelPackageArn: pkg.arn, ModelApprovalStatus: pkg.approvalStatus };
    this.deps.changed({ kind: 'evaluation-changed', ...change });
    if (filed.length > 0) {
      this.deps.changed({ kind: 'report-added', ...change });
      this.deps.filed?.(pkg.arn);
    } else this.deps.logger?.warn(`evaluation ${row.jobName} of ${row.arn} filed no report: ${end.failureReason ?? status}`);
  }

  private readReport(row: EvaluationRow, kind: EvaluationReportKind): Record<string, unknown> {
    const file = path.join(resolveDataUri(row.outputUrl, this.deps.objectStore, 'output'), `${kind}.json`);
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) throw new Error(`the evaluation job completed without writing ${kind}.json`);
    if (size > MAX_REPORT_BYTES) throw new Error(`${kind}.json is ${size} bytes, over the ${MAX_REPORT_BYTES}-byte limit for a report`);
    let body: unknown;
    try {
      body = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${kind}.json is not valid JSON: ${(error as Error).message}`);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || (body as { format?: unknown }).format !== FORMATS[kind]) {
      throw new Error(`${kind}.json does not declare "format": "${FORMATS[kind]}"`);
    }
    return body as Record<string, unknown>;
  }
}

function describeEvaluation(row: EvaluationRow): EvaluationJob {
  return {
    ProcessingJobName: row.jobName,
    ModelPackageArn: row.arn,
    Status: row.status,
    Reports: row.reports,
    TestDataUrl: row.testDataUrl,
    CreationTime: row.createdAt,
    ...(row.endedAt ? { EndTime: row.endedAt } : {}),
    ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
  };
}
