/**
 * runs.search answers a filter partly in SQLite (filterSql) and partly on rows (matches): for any
 * filter, the runs it finds must be exactly those the row-by-row matcher finds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import { filterSql, likeToGlob, matches, parseFilter } from '../../../main/experiments/runFilter';
import { pick, seededRandom } from '../../helpers/random';
import { tmpDir } from '../../helpers/tmp';

let lathe: Lathe | null = null;
afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

const WORDS = ['adam', 'Adam', 'sgd', 'a_b', 'a%b', 'x[1]', 'q*?', 'Été', 'été', '5', '05', '', 'a😀b', 'a\0bc', 'a\\b'];
const NUMBERS = [0, 0.5, 0.9, 0.95, 1, -1, 1e6, NaN, Infinity, -Infinity];
const OPS_NUMBER = ['=', '!=', '>', '>=', '<', '<='];
const OPS_STRING = ['=', '!=', 'LIKE', 'ILIKE'];
const PATTERNS = ['ad%', 'AD%', '%a%', 'a_b', 'a__b', 'a%c', 'a\\_b', 'a\\b', '%[1]', 'q*?', 'ét%', 'ÉT%', '_', '%', '5'];

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

describe('filters answered in SQLite', () => {
  it('translate LIKE to GLOB with GLOB wildcards escaped', () => {
    expect(likeToGlob('ad%')).toBe('ad*');
    expect(likeToGlob('a_b')).toBe('a?b');
    expect(likeToGlob('x[1]*?')).toBe('x[[]1][*][?]');
    expect(filterSql(parseFilter("params.o ILIKE 'a%' and metrics.auc > 0.9")).rest.map((c) => c.op)).toEqual(['ILIKE']);
  });

  it('find exactly the runs the row-by-row matcher finds, for 500 random filters over 300 random runs', async () => {
    lathe = await createLathe({ home: tmpDir(), background: false, runJobs: false });
    const experiments = lathe.experiments;
    const random = seededRandom(4242);
    const { experimentId } = experiments.createExperiment('random');
    lathe.store.db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const params: Record<string, string> = {};
        const tags: Record<string, string> = {};
        if (random() < 0.8) params.optimizer = pick(random, WORDS);
        if (random() < 0.7) params.depth = String(Math.floor(random() * 10));
        if (random() < 0.5) tags.stage = pick(random, WORDS);
        const run = experiments.createRun({ experimentId, runName: `run-${i}-${pick(random, WORDS)}`, source: { kind: 'sdk' }, params, tags, startTime: 1000 + Math.floor(random() * 100) });
        if (random() < 0.85) experiments.logMetrics(run.runId, [{ key: 'auc', value: pick(random, NUMBERS), step: 0, timestamp: 1 }]);
        if (random() < 0.5) experiments.setStatus(run.runId, pick(random, ['FINISHED', 'FAILED'] as const), 2000 + Math.floor(random() * 100));
      }
    })();
    const all = experiments.allRuns([experimentId]);
    const clause = (): string => {
      switch (pick(random, ['metric', 'param', 'tag', 'attribute', 'time'])) {
        case 'metric':
          return `metrics.auc ${pick(random, OPS_NUMBER)} ${pick(random, ['0.9', '0', '-1', '1e6', '1e999', '-1e999', '0.95'])}`;
        case 'param':
          return `params.${pick(random, ['optimizer', 'depth'])} ${pick(random, OPS_STRING)} ${quote(random() < 0.5 ? pick(random, PATTERNS) : pick(random, WORDS))}`;
        case 'tag':
          return `tags.stage ${pick(random, OPS_STRING)} ${quote(pick(random, PATTERNS))}`;
        case 'attribute':
          return `attributes.${pick(random, ['status', 'run_name', 'user_id'])} ${pick(random, OPS_STRING)} ${quote(pick(random, ['FINISHED', 'RUNNING', 'run-1%', 'RUN-%', 'lathe', '%été']))}`;
        default:
          return `attributes.${pick(random, ['start_time', 'end_time'])} ${pick(random, OPS_NUMBER)} ${1000 + Math.floor(random() * 1200)}`;
      }
    };
    let nonEmpty = 0;
    for (let i = 0; i < 500; i++) {
      const filter = Array.from({ length: 1 + Math.floor(random() * 3) }, clause).join(' and ');
      const expected = all.filter((run) => matches(run, parseFilter(filter))).map((run) => run.info.runId);
      const found = experiments.searchRuns({ experimentIds: [experimentId], filter, maxResults: 50_000 }).runs.map((run) => run.info.runId);
      expect(found, filter).toEqual(expected);
      if (expected.length > 0) nonEmpty += 1;
    }
    // The filters are not all trivially empty.
    expect(nonEmpty).toBeGreaterThan(100);
  });
});
