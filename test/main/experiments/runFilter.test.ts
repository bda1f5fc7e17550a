import { describe, expect, it } from 'vitest';
import type { Run } from '../../../main/contract/experiments';
import { matches, parseFilter } from '../../../main/experiments/runFilter';

const run = (params: Record<string, string>, auc: number | 'NaN', tags: Record<string, string> = {}): Run => ({
  info: { runId: 'r', experimentId: '1', runName: 'trial-7', status: 'FINISHED', startTime: 10, lifecycleStage: 'active', source: { kind: 'mlflow' }, artifactUri: '/a' },
  params,
  tags,
  metrics: [{ key: 'auc', last: auc, lastStep: 3, lastTimestamp: 1, min: 0.5, max: 0.99, count: 4 }],
});

describe('MLflow run filters', () => {
  it.each([
    ["metrics.auc > 0.9 and params.max_depth = '5'", run({ max_depth: '5' }, 0.95), true],
    ["metrics.auc > 0.9 and params.max_depth = '5'", run({ max_depth: '7' }, 0.95), false],
    ["metrics.auc > 0.9 AND params.max_depth = '5'", run({ max_depth: '5' }, 0.85), false],
    ['metrics.auc >= 0.95', run({}, 0.95), true],
    ['metrics.auc < 0.95', run({}, 'NaN'), false],
    ['metrics.missing > 0', run({}, 0.95), false],
    ["params.`max depth` != '5'", run({ 'max depth': '6' }, 0.9), true],
    ["params.optimizer LIKE 'ad%'", run({ optimizer: 'adam' }, 0.9), true],
    ["params.optimizer LIKE 'AD%'", run({ optimizer: 'adam' }, 0.9), false],
    ["params.optimizer ILIKE 'AD%'", run({ optimizer: 'adam' }, 0.9), true],
    ["tags.stage = 'prod'", run({}, 0.9, { stage: 'prod' }), true],
    ["attributes.status = 'FINISHED'", run({}, 0.9), true],
    ["attributes.run_name LIKE 'trial-_'", run({}, 0.9), true],
    // _ is one character (a code point, as SQL's), not one UTF-16 unit.
    ["params.p LIKE 'a_b'", run({ p: 'a😀b' }, 0.9), true],
    ["params.p LIKE 'a__b'", run({ p: 'a😀b' }, 0.9), false],
    ['', run({}, 0.9), true],
  ] as const)('%s', (filter, subject, expected) => {
    expect(matches(subject, parseFilter(filter))).toBe(expected);
  });

  it.each([
    ['metrics.auc >> 0.9', /expected a comparison/],
    ["metrics.auc > '0.9'", /compares with a number/],
    ['params.max_depth = 5', /quoted string/],
    ["params.max_depth > '5'", /takes =, !=, LIKE or ILIKE/],
    ['foo.auc > 1', /is not metrics, params, tags or attributes/],
    ["attributes.color = 'red'", /attributes.color is not one of/],
    ['metrics.auc > 0.9 and', /ends with AND/],
  ])('refuses %s with a message that says what is wrong', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(message);
  });
});
