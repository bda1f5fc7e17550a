/**
 * How the registry runs evaluation jobs and files their reports, against a stand-in job runner
 * (the real one runs in evaluation.int.test.ts): the processing request it makes, filing exactly
 * once when the job completes, refusing reports that are missing or not in the documented format,
 * and settling evaluations whose job ended while Lathe was not listening.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/eventBus';
import { createLathe, type Lathe } from '../../../main/app';
import type { ProcessingJobDescription, ProcessingJobSummary } from '../../../main/contract/training';
import type { CreateProcessingJobRequest } from '../../../main/contract/trainingSchemas';
import { evaluationArguments } from '../../../main/registry/evaluations';
import { RegistryService } from '../../../main/registry/registryService';
import { RegistryStore } from '../../../main/registry/registryStore';
import { tmpDir } from '../../helpers/tmp';
import { seedJob } from './seedJob';

let lathe: Lathe | null = null;
afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

const REPORTS = {
  evaluation: { format: 'lathe.evaluation/1', problem_type: 'binary', metrics: { auc: 0.81, accuracy: 0.9, threshold: 0.5 } },
  explainability: { format: 'lathe.explainability/1', method: 'tree-shap', features: [{ name: 'amount', importance: 0.2 }] },
};

/** A registry over a real store, with a job runner that only records what it is asked to run. */
async function setup() {
  lathe = await createLathe({ home: tmpDir(), background: false, runJobs: false });
  seedJob(lathe, 'fraud-xgb', 'Completed');
  const model = path.join(lathe.home, 's3', 'demo', 'out', 'fraud-xgb', 'output', 'model.tar.gz');
  fs.mkdirSync(path.dirname(model), { recursive: true });
  fs.writeFileSync(model, 'model');
  fs.mkdirSync(path.join(lathe.home, 's3', 'demo', 'test'), { recursive: true });
  fs.writeFileSync(path.join(lathe.home, 's3', 'demo', 'test', 'test.csv'), '1,2\n');
  const jobs = new Map<string, CreateProcessingJobRequest>();
  const runner = { refuse: null as string | null };
  const statuses = new Map<string, ProcessingJobDescription['ProcessingJobStatus']>();
  const processing = {
    create: async (request: CreateProcessingJobRequest) => {
      if (runner.refuse) throw new Error(runner.refuse);
      jobs.set(request.ProcessingJobName, request);
      statuses.set(request.ProcessingJobName, 'InProgress');
      return { ProcessingJobArn: `arn:processing-job/${request.ProcessingJobName}` };
    },
    describe: (name: string) => {
      if (!statuses.has(name)) throw new Error(`no job ${name}`);
      return { ProcessingJobName: name, ProcessingJobStatus: statuses.get(name)!, FailureReason: 'the job said no' } as ProcessingJobDescription;
    },
  };
  const bus = new EventBus();
  const store = new RegistryStore(lathe.store);
  // A clock a second apart per reading, so times never tie.
  let tick = Date.parse('2026-03-01T00:00:00Z');
  const clock = () => new Date((tick += 1000));
  const make = () => new RegistryService({ store, bus, training: lathe!.training, processing, clock });
  const registry = make();
  registry.createGroup({ ModelPackageGroupName: 'Fraud' });
  const { ModelPackageArn: arn } = registry.createVersion({ ModelPackageGroupName: 'Fraud', SourceTrainingJobName: 'fraud-xgb' }, 'ana');
  /** Where the job's output lands once it is copied out, and the event its end sends. */
  const outputOf = (name: string) => path.join(lathe!.home, 's3', 'lathe-registry', 'evaluations', 'fraud', '1', name);
  const end = (name: string, status: 'Completed' | 'Failed' | 'Stopped', files: Record<string, unknown> = {}) => {
    fs.mkdirSync(outputOf(name), { recursive: true });
    for (const [file, body] of Object.entries(files)) fs.writeFileSync(path.join(outputOf(name), file), typeof body === 'string' ? body : JSON.stringify(body));
    statuses.set(name, status);
    bus.emit('jobs.changed', { Kind: 'processing', ProcessingJobName: name, ProcessingJobStatus: status, ...(status === 'Failed' ? { FailureReason: 'the job said no' } : {}) } as ProcessingJobSummary);
  };
  return { lathe, registry, arn, jobs, end, bus, make, store, runner };
}

describe('evaluation jobs', () => {
  it('start a processing job with the model and test set as inputs, and file its reports once when it completes', async () => {
    const { registry, arn, jobs, end, bus, store } = await setup();
    const changes: string[] = [];
    bus.onEvent((name, payload) => name === 'registry.changed' && changes.push((payload as { kind: string }).kind));
    const { ProcessingJobName: name } = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test', FeatureNames: ['amount', 'hour'] }, 'ana');
    expect(name).toMatch(/^eval-fraud-v1-[a-z0-9]+$/);
    const request = jobs.get(name)!;
    expect(request.AppSpecification).toMatchObject({ ImageUri: 'lathe:process', ContainerEntrypoint: ['python3', '-m', 'lathe.evaluate'] });
    expect(request.AppSpecification.ContainerArguments).toEqual([
      ...['--model', '/opt/ml/processing/model/model.tar.gz', '--data', '/opt/ml/processing/test', '--output', '/opt/ml/processing/output'],
      ...['--reports', 'evaluation,explainability', '--failure-file', '/opt/ml/output/message', '--feature-names', 'amount,hour'],
    ]);
    expect(request.ProcessingInputs!.map((i) => [i.InputName, i.S3Input.S3Uri])).toEqual([
      ['model', 's3://demo/out/fraud-xgb/output/model.tar.gz'],
      ['test', 's3://demo/test'],
    ]);
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ ProcessingJobName: name, Status: 'InProgress', Reports: ['evaluation', 'explainability'], TestDataUrl: 's3://demo/test' }]);

    end(name, 'Completed', { 'evaluation.json': REPORTS.evaluation, 'explainability.json': REPORTS.explainability });
    end(name, 'Completed');
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'Completed' }]);
    const evidence = registry.evidence(arn);
    expect(evidence.Reports.map((r) => [r.Kind, r.ProcessingJobName, r.Body.format])).toEqual([
      ['evaluation', name, 'lathe.evaluation/1'],
      ['explainability', name, 'lathe.explainability/1'],
    ]);
    expect(evidence.Metrics.map((m) => [m.Name, m.Value, m.Source])).toEqual([
      ['validation:auc', 0.97, 'training'],
      ['evaluation:auc', 0.81, 'evaluation'],
      ['evaluation:accuracy', 0.9, 'evaluation'],
    ]);
    // Filed once, although the end was announced twice.
    expect(store.reportKinds(arn).sort()).toEqual(['evaluation', 'explainability']);
    expect(lathe!.store.db.prepare('SELECT count(*) AS n FROM model_reports').get()).toEqual({ n: 2 });
    expect(changes).toEqual(['evaluation-changed', 'evaluation-changed', 'report-added']);
  });

  it.each([
    ['a report the job did not write', {}, 'the evaluation job completed without writing evaluation.json'],
    ['a report that is not JSON', { 'evaluation.json': '{"format": ' }, 'evaluation.json is not valid JSON'],
    ['a report in another format', { 'evaluation.json': { format: 'clarify', metrics: {} } }, 'evaluation.json does not declare "format": "lathe.evaluation/1"'],
  ])('fail on %s, filing nothing', async (_name, files, reason) => {
    const { registry, arn, end, store } = await setup();
    const { ProcessingJobName: name } = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test', Reports: ['explainability', 'evaluation'] }, 'ana');
    end(name, 'Completed', { 'explainability.json': REPORTS.explainability, ...files });
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'Failed', FailureReason: expect.stringContaining(reason) }]);
    expect(store.reportKinds(arn)).toEqual([]);
  });

  it("fail with the job's own reason when the job fails", async () => {
    const { registry, arn, end, store } = await setup();
    const { ProcessingJobName: name } = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test' }, 'ana');
    end(name, 'Failed', { 'evaluation.json': REPORTS.evaluation });
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'Failed', FailureReason: 'the job said no' }]);
    expect(store.reportKinds(arn)).toEqual([]);
  });

  it('that ended while Lathe was not listening are settled when the registry starts', async () => {
    const { registry, arn, end, make, bus } = await setup();
    const { ProcessingJobName: name } = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test' }, 'ana');
    registry.dispose();
    end(name, 'Completed', { 'evaluation.json': REPORTS.evaluation, 'explainability.json': REPORTS.explainability });
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'InProgress' }]);
    expect(bus.size).toBe(0);
    const restarted = make();
    expect(restarted.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'Completed' }]);
    expect(restarted.evidence(arn).Reports.map((r) => r.Kind)).toEqual(['evaluation', 'explainability']);
  });

  it('refuse a test set that does not exist, recording nothing', async () => {
    const { registry, arn, jobs } = await setup();
    await expect(registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/nope' }, 'ana')).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('does not exist') });
    expect(registry.listEvaluations(arn).Evaluations).toEqual([]);
    expect(jobs.size).toBe(0);
  });
});

describe('the evaluation request', () => {
  it('takes an absolute path as the file:// URI of that path', async () => {
    const { registry, arn, jobs, lathe } = await setup();
    const file = path.join(lathe.home, 's3', 'demo', 'test', 'test.csv');
    const { ProcessingJobName: name } = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: file }, 'ana');
    expect(jobs.get(name)!.ProcessingInputs![1]!.S3Input.S3Uri).toBe('s3://demo/test/test.csv');
    const outside = path.join(tmpDir(), 'holdout.csv');
    fs.writeFileSync(outside, '1,2\n');
    const second = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: outside }, 'ana');
    expect(jobs.get(second.ProcessingJobName)!.ProcessingInputs![1]!.S3Input.S3Uri).toBe(`file://${outside}`);
  });

  it('that the job runner refuses leaves a Failed evaluation saying why, and announces it', async () => {
    const { registry, arn, runner, bus } = await setup();
    const changes: string[] = [];
    bus.onEvent((name, payload) => name === 'registry.changed' && changes.push((payload as { kind: string }).kind));
    runner.refuse = 'no free disk';
    await expect(registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test' }, 'ana')).rejects.toThrow('no free disk');
    expect(registry.listEvaluations(arn).Evaluations).toMatchObject([{ Status: 'Failed', FailureReason: 'the evaluation job could not start: no free disk' }]);
    expect(changes).toEqual(['evaluation-changed']);
  });
});

describe('the champion', () => {
  it('is the version approved most recently, however recently another was modified', async () => {
    const { registry, arn: v1 } = await setup();
    const v2 = registry.createVersion({ ModelPackageGroupName: 'Fraud', SourceTrainingJobName: 'fraud-xgb' }, 'ana').ModelPackageArn;
    const v3 = registry.createVersion({ ModelPackageGroupName: 'Fraud', SourceTrainingJobName: 'fraud-xgb' }, 'ana').ModelPackageArn;
    registry.updateVersion({ ModelPackageArn: v1, ModelApprovalStatus: 'Approved' }, 'ana');
    registry.updateVersion({ ModelPackageArn: v2, ModelApprovalStatus: 'Approved' }, 'ana');
    expect(registry.evidence(v3).Champion).toMatchObject({ ModelPackageVersion: 2 });
    // A metadata edit, or approving an approved version again, is not a new approval.
    registry.updateVersion({ ModelPackageArn: v1, CustomerMetadataProperties: { owner: 'risk' } }, 'ana');
    expect(registry.evidence(v3).Champion).toMatchObject({ ModelPackageVersion: 2 });
    expect(registry.evidence(v2).Champion).toMatchObject({ ModelPackageVersion: 1 });
    registry.updateVersion({ ModelPackageArn: v1, ModelApprovalStatus: 'Approved', ApprovalDescription: 'again' }, 'ana');
    expect(registry.evidence(v3).Champion).toMatchObject({ ModelPackageVersion: 2 });
    // Taken back to pending and approved anew, v1 is the champion again.
    registry.updateVersion({ ModelPackageArn: v1, ModelApprovalStatus: 'PendingManualApproval', ApprovalDescription: 'recheck' }, 'ana');
    registry.updateVersion({ ModelPackageArn: v1, ModelApprovalStatus: 'Approved', ApprovalDescription: 'rechecked' }, 'ana');
    expect(registry.evidence(v3).Champion).toMatchObject({ ModelPackageVersion: 1 });
  });
});

describe('gates that auto-approve', () => {
  it('approve a pending version when its evaluation makes it meet every gate, as lathe-gates in the trail', async () => {
    const { registry, arn, end, lathe } = await setup();
    const empty = await lathe.router.call('registry.setGates', { ModelPackageGroupName: 'Fraud', MetricRules: [], RequiredReports: [], AutoApprove: true });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('AutoApprove needs at least one metric rule or required report') } });
    registry.setGates({ ModelPackageGroupName: 'Fraud', MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation'], AutoApprove: true });
    expect(registry.describeVersion(arn).ModelApprovalStatus).toBe('PendingManualApproval');
    // A version that misses a metric rule is left for a person, whatever it files.
    registry.setGates({ ModelPackageGroupName: 'Fraud', MetricRules: [{ Metric: 'validation:auc', Op: '>', Threshold: 0.99 }], RequiredReports: ['evaluation'], AutoApprove: true });
    const first = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test', Reports: ['evaluation'] }, 'ana');
    end(first.ProcessingJobName, 'Completed', { 'evaluation.json': REPORTS.evaluation });
    expect(registry.describeVersion(arn).ModelApprovalStatus).toBe('PendingManualApproval');

    registry.setGates({ ModelPackageGroupName: 'Fraud', MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation', 'explainability'], AutoApprove: true });
    const second = await registry.evaluate({ ModelPackageArn: arn, TestDataUrl: 's3://demo/test', Reports: ['explainability'] }, 'ana');
    end(second.ProcessingJobName, 'Completed', { 'explainability.json': REPORTS.explainability });
    expect(registry.describeVersion(arn)).toMatchObject({ ModelApprovalStatus: 'Approved', ApprovalDescription: 'Approved by the gates of Fraud: validation:auc >= 0.5; evaluation report; explainability report' });
    expect(registry.audit(arn).entries.map((e) => [e.Actor, e.ToStatus, e.Outcome])).toEqual([['lathe-gates', 'Approved', 'applied']]);
  });

  it('approve on a completed model card, and on registration when the gates need nothing more', async () => {
    const { registry, arn } = await setup();
    registry.setGates({ ModelPackageGroupName: 'Fraud', MetricRules: [], RequiredReports: ['model-card'], AutoApprove: true });
    const card = registry.getCard(arn);
    registry.saveCard({ ModelPackageArn: arn, Content: { ...card.Content, IntendedUse: 'review queue' } }, 'ana');
    expect(registry.describeVersion(arn).ModelApprovalStatus).toBe('PendingManualApproval');
    registry.saveCard({ ModelPackageArn: arn, Content: { ...card.Content, IntendedUse: 'review queue', Limitations: 'synthetic', EthicalConsiderations: 'none' } }, 'ana');
    expect(registry.describeVersion(arn).ModelApprovalStatus).toBe('Approved');

    registry.setGates({ ModelPackageGroupName: 'Fraud', MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: [], AutoApprove: true });
    const next = registry.createVersion({ ModelPackageGroupName: 'Fraud', SourceTrainingJobName: 'fraud-xgb' }, 'ana').ModelPackageArn;
    expect(registry.describeVersion(next).ModelApprovalStatus).toBe('Approved');
  });
});

describe('evaluation arguments', () => {
  it('split a long feature-name list over several flags of at most 256 characters, and pass the facet only for bias', () => {
    const names = Array.from({ length: 60 }, (_, i) => `feature_number_${i}`);
    const args = evaluationArguments({ ModelPackageArn: 'x', TestDataUrl: 'y', FeatureNames: names, Facet: { NameOrIndex: 3, Threshold: 0.5 } }, 'model.tar.gz', ['evaluation']);
    const chunks = args.flatMap((arg, i) => (args[i - 1] === '--feature-names' ? [arg] : []));
    expect(chunks.length).toBeGreaterThan(1);
    for (const arg of args) expect(arg.length).toBeLessThanOrEqual(256);
    expect(chunks.join(',').split(',')).toEqual(names);
    expect(args).not.toContain('--facet');
    const bias = evaluationArguments({ ModelPackageArn: 'x', TestDataUrl: 'y', Facet: { NameOrIndex: 'hour', Values: [1, 2] } }, 'm.tar.gz', ['bias']);
    expect(bias.slice(-4)).toEqual(['--facet', 'hour', '--facet-values', '1,2']);
  });
});
