import { createLathe } from '../../main/app';

/**
 * Writes `count` finished runs into experiment `name` of the data folder `home` (before a Lathe
 * serves it): params of a hyperparameter sweep, validation:auc and train:logloss with a few points
 * each. Run i is named sweep-<i, 5 digits> and started i seconds after the first.
 */
export async function seedSweep(home: string, name: string, count: number): Promise<{ experimentId: string }> {
  const lathe = await createLathe({ home, background: false, runJobs: false });
  try {
    const experiments = lathe.experiments;
    const { experimentId } = experiments.createExperiment(name, { purpose: 'a 10,000-run sweep' });
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    lathe.store.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const run = experiments.createRun({
          experimentId,
          runName: `sweep-${String(i).padStart(5, '0')}`,
          source: { kind: 'sdk' },
          params: { max_depth: String(3 + (i % 8)), eta: String(((i % 50) + 1) / 100), subsample: i % 2 === 0 ? '0.8' : '1.0' },
          tags: { sweep: 'grid' },
          startTime: t0 + i * 1000,
        });
        const auc = 0.8 + ((i * 7919) % 1000) / 10_000;
        experiments.logMetrics(
          run.runId,
          [0, 1, 2].flatMap((step) => [
            { key: 'validation:auc', value: auc - (2 - step) * 0.01, step, timestamp: t0 + i * 1000 + step },
            { key: 'train:logloss', value: 0.6 - step * 0.1, step, timestamp: t0 + i * 1000 + step },
          ]),
        );
        experiments.setStatus(run.runId, 'FINISHED', t0 + i * 1000 + 500);
      }
    })();
    return { experimentId };
  } finally {
    await lathe.dispose();
  }
}
