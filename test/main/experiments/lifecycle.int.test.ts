import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { ArtifactPreview } from '../../../main/contract/experiments';
import { tmpDir } from '../../helpers/tmp';

let lathe: Lathe | null = null;
afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

async function start(): Promise<Lathe> {
  lathe = await createLathe({ home: tmpDir(), background: false, runJobs: false });
  return lathe;
}

/** A run with points, params and a logged artifact file. */
function seedRun(lathe: Lathe, experimentId: string, name: string, params: Record<string, string>, auc: number) {
  const run = lathe.experiments.createRun({ experimentId, runName: name, source: { kind: 'sdk' }, params });
  lathe.experiments.logMetrics(run.runId, [{ key: 'auc', value: auc, step: 0, timestamp: 1 }]);
  lathe.experiments.setStatus(run.runId, 'FINISHED', 2);
  fs.mkdirSync(run.artifactUri, { recursive: true });
  fs.writeFileSync(path.join(run.artifactUri, 'notes.txt'), 'x'.repeat(1000));
  return run;
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('runs.search filter and lifecycle', () => {
  it('filters with MLflow syntax, and a bad filter is invalid-argument saying where', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'fraud' });
    seedRun(lathe, experimentId, 'a', { max_depth: '5' }, 0.95);
    seedRun(lathe, experimentId, 'b', { max_depth: '3' }, 0.97);
    seedRun(lathe, experimentId, 'c', { max_depth: '5' }, 0.7);
    const found = await lathe.router.invoke('runs.search', { experimentIds: [experimentId], filter: "metrics.auc > 0.9 and params.max_depth = '5'" });
    expect(found.runs.map((r) => r.info.runName)).toEqual(['a']);
    const bad = await lathe.router.call('runs.search', { experimentIds: [experimentId], filter: 'metrics.auc >> 1' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('near') } });
  });

  it('soft-deletes and restores runs, and deletes forever only deleted runs, removing their files', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'fraud' });
    const a = seedRun(lathe, experimentId, 'a', {}, 0.9);
    const b = seedRun(lathe, experimentId, 'b', {}, 0.8);
    expect(await lathe.router.invoke('runs.delete', { runIds: [a.runId] })).toEqual({ runs: 1 });
    const names = async (lifecycle: 'active' | 'deleted' | 'all') => (await lathe.router.invoke('runs.search', { experimentIds: [experimentId], lifecycle })).runs.map((r) => r.info.runName).sort();
    expect(await names('active')).toEqual(['b']);
    expect(await names('deleted')).toEqual(['a']);
    expect(await names('all')).toEqual(['a', 'b']);
    expect((await lathe.router.invoke('experiments.list', {})).experiments.find((e) => e.experimentId === experimentId)!.runCount).toBe(1);

    // b is not deleted: nothing is removed, a included, and the error names b.
    const refused = await lathe.router.call('runs.purge', { runIds: [a.runId, b.runId] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining(b.runId) } });
    expect(fs.existsSync(path.join(a.artifactUri, 'notes.txt'))).toBe(true);
    expect(await names('deleted')).toEqual(['a']);

    expect(await lathe.router.invoke('runs.restore', { runIds: [a.runId] })).toEqual({ runs: 1 });
    expect(await names('active')).toEqual(['a', 'b']);
    await lathe.router.invoke('runs.delete', { runIds: [a.runId] });
    const purged = await lathe.router.invoke('runs.purge', { runIds: [a.runId] });
    expect(purged).toEqual({ runs: 1, bytesFreed: 1000 });
    expect(fs.existsSync(path.dirname(a.artifactUri))).toBe(false);
    expect(await lathe.router.call('runs.get', { runId: a.runId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const leftovers = lathe.store.db.prepare('SELECT count(*) AS n FROM run_metrics WHERE run_id = ?').get(a.runId) as { n: number };
    expect(leftovers.n).toBe(0);
    expect(await names('all')).toEqual(['b']);
    expect(await lathe.router.call('runs.delete', { runIds: [b.runId, 'f'.repeat(32)] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await names('active')).toEqual(['b']);
  });

  it("refuses to delete forever the run of a job still running, not a script's run left RUNNING by a crash", async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'live' });
    const job = lathe.experiments.createRun({ experimentId, runName: 'still-going', source: { kind: 'training-job', name: 'still-going' } });
    const script = lathe.experiments.createRun({ experimentId, runName: 'killed-kernel', source: { kind: 'sdk' } });
    await lathe.router.invoke('runs.delete', { runIds: [job.runId, script.runId] });
    expect(await lathe.router.call('runs.purge', { runIds: [job.runId] })).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('still running') } });
    expect(await lathe.router.invoke('runs.purge', { runIds: [script.runId] })).toMatchObject({ runs: 1 });
  });

  it('takes no new run in a deleted experiment, and a job naming it is refused before anything is stored', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'trashed' });
    await lathe.router.invoke('experiments.delete', { experimentId });
    expect(() => lathe.experiments.createRun({ experimentId, runName: 'late', source: { kind: 'sdk' } })).toThrow(/deleted; restore it/);
    const refused = await lathe.router.call('processing.create', {
      ProcessingJobName: 'late-job',
      RoleArn: 'arn:aws:iam::000000000000:role/lathe',
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 1 } },
      AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['true'] },
      ExperimentConfig: { ExperimentName: 'trashed' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('trashed is deleted') } });
    expect((await lathe.router.invoke('processing.list', {})).ProcessingJobSummaries).toEqual([]);
  });

  it('never records credentials from a processing job environment as params', async () => {
    const lathe = await start();
    await lathe.router.invoke('processing.create', {
      ProcessingJobName: 'with-secrets',
      RoleArn: 'arn:aws:iam::000000000000:role/lathe',
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 1 } },
      AppSpecification: { ImageUri: 'lathe:process', ContainerEntrypoint: ['true'] },
      Environment: { SPLIT: '0.2', AWS_SECRET_ACCESS_KEY: 'abc', HF_TOKEN: 'hf_x', DB_PASSWORD: 'pw', OPENAI_API_KEY: 'sk' },
    });
    const run = lathe.experiments.runBySource('processing-job', 'with-secrets')!;
    expect((await lathe.router.invoke('runs.get', { runId: run.runId })).params).toEqual({ SPLIT: '0.2' });
  });

  it('deletes, restores and purges experiments; Default cannot be deleted', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'old' });
    const run = seedRun(lathe, experimentId, 'a', {}, 0.5);
    expect(await lathe.router.call('experiments.purge', { experimentId })).toMatchObject({ ok: false, error: { code: 'failed-precondition' } });
    expect((await lathe.router.invoke('experiments.delete', { experimentId })).lifecycleStage).toBe('deleted');
    expect((await lathe.router.invoke('experiments.list', {})).experiments.map((e) => e.name)).not.toContain('old');
    expect((await lathe.router.invoke('experiments.list', { includeDeleted: true })).experiments.map((e) => e.name)).toContain('old');
    expect((await lathe.router.invoke('experiments.restore', { experimentId })).lifecycleStage).toBe('active');
    await lathe.router.invoke('experiments.delete', { experimentId });
    expect(await lathe.router.invoke('experiments.purge', { experimentId })).toEqual({ runs: 1, bytesFreed: 1000 });
    expect(fs.existsSync(run.artifactUri)).toBe(false);
    expect(await lathe.router.call('experiments.restore', { experimentId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    // The name is free again.
    expect((await lathe.router.invoke('experiments.create', { name: 'old' })).name).toBe('old');
    const fallback = lathe.experiments.ensureExperiment('Default');
    expect(await lathe.router.call('experiments.delete', { experimentId: fallback.experimentId })).toMatchObject({ ok: false, error: { code: 'failed-precondition' } });
  });
});

describe('run artifacts', () => {
  it('lists logged files and the job outputs, and previews text, tables, images and model.tar.gz', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'arts' });
    const run = lathe.experiments.createRun({ experimentId, runName: 'job-1', source: { kind: 'training-job', name: 'job-1' } });
    const root = run.artifactUri;
    fs.mkdirSync(path.join(root, 'plots'), { recursive: true });
    fs.writeFileSync(path.join(root, 'plots', 'roc.png'), PNG);
    fs.writeFileSync(path.join(root, 'fake.png'), 'not an image');
    fs.writeFileSync(path.join(root, 'scores.csv'), 'id;score\n1;0.5\n2;"0,7"\n');
    fs.writeFileSync(path.join(root, 'log.txt'), 'line\n'.repeat(50_000));
    fs.writeFileSync(path.join(root, 'weights.bin'), Buffer.from([1, 0, 2, 0]));
    // The job's output, as the training service leaves it in the object store.
    const output = path.join(lathe.home, 's3', 'lathe-local', 'output', 'job-1', 'output');
    const packed = tmpDir();
    const longName = `${'d'.repeat(60)}/${'f'.repeat(70)}.json`;
    fs.mkdirSync(path.join(packed, 'd'.repeat(60)), { recursive: true });
    fs.writeFileSync(path.join(packed, 'xgboost-model'), 'model bytes');
    fs.writeFileSync(path.join(packed, longName), '{}');
    fs.mkdirSync(output, { recursive: true });
    execFileSync('tar', ['-czf', path.join(output, 'model.tar.gz'), '-C', packed, 'xgboost-model', longName]);
    lathe.experiments.addLineage({ kind: 'training-job', id: 'job-1' }, { kind: 'model-artifact', id: 's3://lathe-local/output/job-1/output/model.tar.gz' }, 'produced');

    const listing = await lathe.router.invoke('runs.artifacts', { runId: run.runId });
    expect(listing.entries.map((e) => `${e.origin}:${e.kind}:${e.path}`)).toEqual([
      'run:file:fake.png',
      'run:file:log.txt',
      'run:folder:plots',
      'run:file:plots/roc.png',
      'run:file:scores.csv',
      'run:file:weights.bin',
      'job:folder:job-output',
      'job:file:job-output/model.tar.gz',
    ]);
    const preview = (p: string, maxBytes?: number) => lathe!.router.invoke('runs.artifactPreview', { runId: run.runId, path: p, ...(maxBytes ? { maxBytes } : {}) });
    expect(await preview('plots/roc.png')).toEqual({ path: 'plots/roc.png', size: PNG.length, kind: 'image', mediaType: 'image/png', base64: PNG.toString('base64') });
    expect(await preview('fake.png')).toMatchObject({ kind: 'binary', reason: expect.stringContaining('not a image/png') });
    expect(await preview('scores.csv')).toMatchObject({ kind: 'table', delimiter: ';', columns: ['id', 'score'], rows: [['1', '0.5'], ['2', '0,7']], truncated: false });
    const text = (await preview('log.txt', 100)) as Extract<ArtifactPreview, { kind: 'text' }>;
    expect(text).toMatchObject({ kind: 'text', size: 250_000, truncated: true });
    expect(text.text).toHaveLength(100);
    expect(await preview('weights.bin')).toMatchObject({ kind: 'binary', reason: expect.stringContaining('NUL') });
    expect(await preview('job-output/model.tar.gz')).toMatchObject({
      kind: 'archive',
      members: [{ name: 'xgboost-model', size: 11 }, { name: longName, size: 2 }],
      truncated: false,
    });
  });

  it('never reads outside the run: "..", absolute-looking paths and symlinks out are refused', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'safe' });
    const run = lathe.experiments.createRun({ experimentId, runName: 'r', source: { kind: 'sdk' } });
    fs.mkdirSync(run.artifactUri, { recursive: true });
    const secret = path.join(tmpDir(), 'secret.txt');
    fs.writeFileSync(secret, 'secret');
    fs.symlinkSync(secret, path.join(run.artifactUri, 'link.txt'));
    for (const bad of ['../../../secret.txt', 'a/../../x', '/etc/passwd', 'a//b']) {
      expect(await lathe.router.call('runs.artifactPreview', { runId: run.runId, path: bad })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(await lathe.router.call('runs.artifactPreview', { runId: run.runId, path: 'link.txt' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await lathe.router.call('runs.artifactPreview', { runId: run.runId, path: 'missing.txt' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await lathe.router.invoke('runs.artifacts', { runId: run.runId })).toMatchObject({ entries: [], truncated: false });
  });
});

describe('run artifacts of jobs sharing data', () => {
  it("lists only the run's own job outputs, not those of another job that read the same dataset", async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'shared' });
    const runs: Record<string, string> = {};
    for (const job of ['job-a', 'job-b']) {
      runs[job] = lathe.experiments.createRun({ experimentId, runName: job, source: { kind: 'training-job', name: job } }).runId;
      const output = path.join(lathe.home, 's3', 'lathe-local', 'out', job, 'output');
      fs.mkdirSync(output, { recursive: true });
      fs.writeFileSync(path.join(output, 'model.tar.gz'), '');
      fs.writeFileSync(path.join(output, `only-${job}.txt`), `written by ${job}`);
      lathe.experiments.addLineage({ kind: 'dataset', id: 's3://lathe-local/train.csv' }, { kind: 'training-job', id: job }, 'input');
      lathe.experiments.addLineage({ kind: 'training-job', id: job }, { kind: 'model-artifact', id: `s3://lathe-local/out/${job}/output/model.tar.gz` }, 'produced');
    }
    const listing = await lathe.router.invoke('runs.artifacts', { runId: runs['job-a']! });
    expect(listing.entries.map((e) => e.path)).toEqual(['job-output', 'job-output/model.tar.gz', 'job-output/only-job-a.txt']);
    // Its lineage: the dataset it read and what it produced; not job-b, which read the same dataset.
    const lineage = (await lathe.router.invoke('runs.get', { runId: runs['job-a']! })).lineage.map((e) => `${e.from.id} > ${e.to.id}`);
    expect(lineage.sort()).toEqual(['job-a > s3://lathe-local/out/job-a/output/model.tar.gz', 's3://lathe-local/train.csv > job-a']);
    expect(await lathe.router.call('runs.artifactPreview', { runId: runs['job-a']!, path: 'job-output/only-job-b.txt' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('lists pax archives by their pax size, marks a cut-short archive truncated, and previews a file named ..notes.txt', async () => {
    const lathe = await start();
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'tars' });
    const run = lathe.experiments.createRun({ experimentId, runName: 'r', source: { kind: 'sdk' } });
    fs.mkdirSync(run.artifactUri, { recursive: true });
    const pax = path.join(run.artifactUri, 'pax.tar.gz');
    execFileSync('/usr/bin/python3', ['-c', `import io, tarfile
with tarfile.open(${JSON.stringify(pax)}, "w:gz", format=tarfile.PAX_FORMAT) as tar:
    for name, size in (("model.pth", 3000), ("é-" + "n" * 120, 5)):
        info = tarfile.TarInfo(name); info.size = size; info.pax_headers = {"size": str(size)}
        tar.addfile(info, io.BytesIO(b"x" * size))`]);
    const preview = (p: string) => lathe.router.invoke('runs.artifactPreview', { runId: run.runId, path: p });
    expect(await preview('pax.tar.gz')).toMatchObject({ kind: 'archive', members: [{ name: 'model.pth', size: 3000 }, { name: `é-${'n'.repeat(120)}`, size: 5 }], truncated: false });
    const whole = fs.readFileSync(pax);
    fs.writeFileSync(path.join(run.artifactUri, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await preview('cut.tar.gz')).toMatchObject({ kind: 'archive', truncated: true });
    fs.writeFileSync(path.join(run.artifactUri, '..notes.txt'), 'dots');
    expect(await preview('..notes.txt')).toMatchObject({ kind: 'text', text: 'dots' });
  });
});

describe('experiments.changed', () => {
  it('tells the renderer which experiment changed, at most once a second however many points arrive', async () => {
    const lathe = await start();
    const seen: string[] = [];
    lathe.bus.onEvent((name, payload) => {
      if (name === 'experiments.changed') seen.push((payload as { experimentId: string }).experimentId);
    });
    const { experimentId } = await lathe.router.invoke('experiments.create', { name: 'busy' });
    const run = lathe.experiments.createRun({ experimentId, runName: 'r', source: { kind: 'sdk' } });
    for (let i = 0; i < 200; i++) lathe.experiments.logMetrics(run.runId, [{ key: 'loss', value: i, step: i, timestamp: i }]);
    expect(seen).toEqual([experimentId]);
    // The points after the first change are told once, when the interval ends.
    await vi.waitFor(() => expect(seen).toEqual([experimentId, experimentId]), { timeout: 5000 });
  });
});
