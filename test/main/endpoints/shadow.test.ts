import { describe, expect, it } from 'vitest';
import { compareAnswers, ShadowStats } from '../../../main/endpoints/shadow';

describe('comparing a shadow answer with production', () => {
  it.each([
    ['0.0213\n', '0.0213', true, 0],
    ['0.5,0.25\n0.1,0.9', '0.5,0.25\n0.1,0.9000000001', true, 1e-10],
    ['0.2', '0.3', false, 0.1],
    ['{"predictions": [{"score": 0.4}]}', '{"predictions":[{"score":0.4}]}', true, 0],
    ['{"label":"fraud","score":0.9}', '{"label":"legit","score":0.9}', false, null],
    ['{"label":"fraud","score":0.9}', '{"score":0.95,"label":"fraud"}', false, 0.05],
    ['cat', 'cat', true, null],
    ['cat', 'dog', false, null],
    ['1,2', '1,2,3', false, null],
  ])('%j against %j', (production, shadow, match, diff) => {
    const result = compareAnswers(production, shadow);
    expect(result.match).toBe(match);
    if (diff === null) expect(result.maxAbsDifference).toBeNull();
    else expect(result.maxAbsDifference).toBeCloseTo(diff, 12);
  });

  it('keeps counts, the mean difference and the last mismatches', () => {
    const stats = new ShadowStats('Shadow');
    stats.compared('1,2,3,4', '0.2', '0.2');
    stats.compared('5,6,7,8', '0.2', '0.5', new Date('2026-11-25T07:00:00Z'));
    stats.error();
    const report = stats.report();
    stats.dropped();
    expect(stats.report()).toMatchObject({ Dropped: 1 });
    expect(report).toMatchObject({ VariantName: 'Shadow', Invocations: 3, Errors: 1, Matches: 1, Mismatches: 1, RecentMismatches: [{ Time: '2026-11-25T07:00:00.000Z', Request: '5,6,7,8', Production: '0.2', Shadow: '0.5' }] });
    expect(report.MeanAbsDifference).toBeCloseTo(0.15, 12);
  });
});
