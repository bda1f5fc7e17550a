import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
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

describe('experiments and runs', () => {
  it('keeps last/min/max per metric at write time, stores NaN and infinities as such, and refuses a changed param', async () => {
    const lathe = await start();
    const experiments = lathe.experiments;
    const experiment = await lathe.router.invoke('experiments.create', { name: 'fraud', tags: { team: 'risk' } });
    expect(await lathe.router.call('experiments.create', { name: 'fraud' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const run = experiments.createRun({ experimentId: experiment.experimentId, runName: 'trial-1', source: { kind: 'sdk' }, params: { eta: '0.2' } });
    experiments.logMetrics(run.runId, [
      { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
      { key: 'loss', value: NaN, step: 1, timestamp: 1001 },
      { key: 'loss', value: 0.4, step: 2, timestamp: 1002 },
      { key: 'loss', value: Infinity, step: 3, timestamp: 1003 },
    ]);
    const detail = await lathe.router.invoke('runs.get', { runId: run.runId });
    expect(detail.metrics).toEqual([{ key: 'loss', last: 'Infinity', lastStep: 3, lastTimestamp: 1003, min: 0.4, max: 0.9, count: 4 }]);
    const history = await lathe.router.invoke('runs.metricHistory', { runId: run.runId, key: 'loss' });
    expect(history.points!.map((p) => p.value)).toEqual([0.9, 'NaN', 0.4, 'Infinity']);
    expect(() => experiments.createRun({ experimentId: experiment.experimentId, runName: 'x', source: { kind: 'sdk' }, params: { a: '1' } })).not.toThrow();
    expect(await lathe.router.call('runs.get', { runId: 'f'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await lathe.router.call('runs.get', { runId: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const listed = (await lathe.router.invoke('runs.search', { experimentIds: [experiment.experimentId] })).runs;
    expect(listed.map((r) => r.info.runName).sort()).toEqual(['trial-1', 'x']);
    expect(listed.find((r) => r.info.runName === 'trial-1')!.params).toEqual({ eta: '0.2' });
  });

  it('replaces a job metric of the same step (a resumed attempt), keeping each step once and the summary right', async () => {
    const lathe = await start();
    const experiments = lathe.experiments;
    const experiment = experiments.ensureExperiment('Default');
    const run = experiments.createRun({ experimentId: experiment.experimentId, runName: 'job', source: { kind: 'training-job', name: 'job' } });
    experiments.logJobMetrics(run.runId, [0, 1, 2].map((step) => ({ key: 'auc', value: 0.5 + step / 10, step, timestamp: step })));
    experiments.logJobMetrics(run.runId, [{ key: 'auc', value: 0.1, step: 2, timestamp: 9 }]);
    // The log read again after a restart: the same points again change nothing.
    experiments.logJobMetrics(run.runId, [{ key: 'auc', value: 0.5, step: 0, timestamp: 20 }, { key: 'auc', value: 0.1, step: 2, timestamp: 21 }]);
    const history = experiments.metricHistory(run.runId, 'auc');
    expect(history.points!.map((p) => [p.step, p.value])).toEqual([[0, 0.5], [1, 0.6], [2, 0.1]]);
    expect(experiments.getRun(run.runId).metrics[0]).toMatchObject({ last: 0.1, min: 0.1, max: 0.6, count: 3 });
  });

  it('downsamples a 1,000,000-point series to the width asked for, and a one-point spike stays visible', async () => {
    const lathe = await start();
    const experiments = lathe.experiments;
    const run = experiments.createRun({ experimentId: experiments.ensureExperiment('big').experimentId, runName: 'long', source: { kind: 'sdk' } });
    const spikeAt = 654_321;
    const points = Array.from({ length: 1_000_000 }, (_, step) => ({ key: 'loss', step, timestamp: step, value: step === spikeAt ? 1e6 : 1 / (1 + step / 1000) }));
    for (let i = 0; i < points.length; i += 100_000) experiments.logMetrics(run.runId, points.slice(i, i + 100_000));
    const view = await lathe.router.invoke('runs.metricHistory', { runId: run.runId, key: 'loss', width: 800 });
    expect(view.total).toBe(1_000_000);
    expect(view.points).toBeUndefined();
    expect(view.buckets).toHaveLength(800);
    const holder = view.buckets!.find((b) => b.minX <= spikeAt && spikeAt <= b.maxX)!;
    expect(holder.max).toBe(1e6);
    expect(view.buckets!.filter((b) => b.max === 1e6)).toHaveLength(1);
    expect(experiments.getRun(run.runId).metrics[0]).toMatchObject({ count: 1_000_000, max: 1e6, lastStep: 999_999 });
  });
});
