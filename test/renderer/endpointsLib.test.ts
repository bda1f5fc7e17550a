import { describe, expect, it } from 'vitest';
import { errorLabel, invokeErrorDetails, isBase64, nameProblem, preview, resourceName, sopIssues, sopSuggestion, workersProblem } from '../../renderer/panes/endpoints/endpointFormat';
import { formatMs, histogram, niceStep, percentile, summarize } from '../../renderer/panes/endpoints/latency';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('latency statistics', () => {
  it.each([
    { values: [], p: 50, expected: null },
    { values: [7], p: 50, expected: 7 },
    { values: [7], p: 99, expected: 7 },
    { values: [1, 2], p: 50, expected: 1 },
    { values: [1, 2], p: 51, expected: 2 },
    { values: range(1, 10), p: 50, expected: 5 },
    { values: range(1, 10), p: 95, expected: 10 },
    { values: range(1, 20), p: 95, expected: 19 },
    { values: range(1, 100), p: 50, expected: 50 },
    { values: range(1, 100), p: 95, expected: 95 },
    { values: range(1, 100), p: 99, expected: 99 },
    { values: range(1, 100), p: 100, expected: 100 },
    { values: range(1, 1000), p: 99, expected: 990 },
    { values: [0.2, 0.4, 0.4, 9], p: 75, expected: 0.4 },
  ])('the nearest-rank p$p of $values.length values is $expected', ({ values, p, expected }) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('summarizes unsorted answers, errors and throughput', () => {
    const latencies = [...range(1, 100)].reverse();
    expect(summarize(latencies, 5, 2000)).toEqual({ count: 100, errors: 5, p50: 50, p95: 95, p99: 99, mean: 50.5, min: 1, max: 100, requestsPerSecond: 52.5 });
    expect(summarize([], 3, 0)).toEqual({ count: 0, errors: 3, p50: null, p95: null, p99: null, mean: null, min: null, max: null, requestsPerSecond: null });
  });

  it.each([
    [0.0031, 0.005],
    [0.1, 0.1],
    [0.13, 0.2],
    [1, 1],
    [1.01, 2],
    [2.5, 5],
    [4.9, 5],
    [7, 10],
    [49, 50],
    [120, 200],
  ])('rounds a bucket width of %s up to %s', (raw, nice) => {
    expect(niceStep(raw)).toBe(nice);
  });

  it('buckets latencies with round edges, keeping empty buckets between', () => {
    expect(histogram([])).toEqual([]);
    const buckets = histogram([1.2, 1.4, 3.9, 9.99, 10], 5);
    expect(buckets.map((b) => [b.from, b.to, b.count])).toEqual([
      [0, 2, 2],
      [2, 4, 1],
      [4, 6, 0],
      [6, 8, 0],
      [8, 10, 1],
      [10, 12, 1],
    ]);
    expect(buckets[0]!.label).toBe('0–2');
    const fine = histogram([0.31, 0.32, 0.45], 4);
    expect(fine.map((b) => [b.label, b.count])).toEqual([
      ['0.30–0.35', 2],
      ['0.35–0.40', 0],
      ['0.40–0.45', 0],
      ['0.45–0.50', 1],
    ]);
    expect(histogram([4, 4, 4]).map((b) => [b.from, b.to, b.count])).toEqual([[4, 4.5, 3]]);
    const spread = histogram(range(1, 500), 20);
    expect(spread.reduce((n, b) => n + b.count, 0)).toBe(500);
    expect(spread.length).toBeLessThanOrEqual(21);
  });

  it.each([
    [null, '—'],
    [0.4234, '0.42 ms'],
    [3.42, '3.4 ms'],
    [12.6, '13 ms'],
    [1250.2, '1,250 ms'],
  ])('writes %s as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('the SOP-06 naming check', () => {
  it.each([
    ['fraud-prod-v3', []],
    ['fraud-detection-staging-v12', []],
    ['a1-dev-v0', []],
    ['', []],
    ['fraud-detection-prod', ['end with the version (-v1, -v2, …)']],
    ['fraud-v3', ['name the environment (dev, test, staging or prod) before the version']],
    ['fraud-qa-v3', ['name the environment (dev, test, staging or prod) before the version']],
    ['Fraud-prod-v3', ['use lowercase letters']],
    ['fraud--prod-v3', ['use letters, digits and single hyphens only']],
    ['prod-v3', ['start with the use case before the environment']],
    ['fraud', ['end with the version (-v1, -v2, …)', 'name the environment (dev, test, staging or prod) before the version']],
  ])('%s: %j', (name, issues) => {
    expect(sopIssues(name)).toEqual(issues);
  });

  it('suggests a conforming name only when the environment is there to keep', () => {
    expect(sopSuggestion('fraud-detection-prod', 3)).toBe('fraud-detection-prod-v3');
    expect(sopSuggestion('Fraud_Detection-staging-v1', 2)).toBe('fraud-detection-staging-v2');
    expect(sopSuggestion('fraud-detection', 3)).toBeNull();
    expect(sopSuggestion('fraud-prod-v3', 4)).toBeNull();
    expect(sopSuggestion('fraud-detection-prod', null)).toBeNull();
  });
});

describe('deploy form checks and names', () => {
  it('refuses what the contract would refuse', () => {
    expect(nameProblem('')).toBe('Name the endpoint.');
    expect(nameProblem('fraud_prod')).toBe('Use letters, digits and hyphens, starting and ending with a letter or digit.');
    expect(nameProblem('-fraud')).toBe('Use letters, digits and hyphens, starting and ending with a letter or digit.');
    expect(nameProblem('x'.repeat(64))).toBe('At most 63 characters (this one has 64).');
    expect(nameProblem('Fraud-Detection-Prod')).toBeNull();
    expect(workersProblem('0')).toBe('Between 1 and 64 workers.');
    expect(workersProblem('65')).toBe('Between 1 and 64 workers.');
    expect(workersProblem('2.5')).toBe('Give a whole number of workers.');
    expect(workersProblem('')).toBe('Give a whole number of workers.');
    expect(workersProblem(' 64 ')).toBeNull();
  });

  it('names the model and config after the endpoint and the time, within 63 characters', () => {
    const at = new Date('2026-03-01T10:15:30.123Z');
    expect(resourceName('fraud-detection-prod', 'model', at)).toBe('fraud-detection-prod-model-20260301101530');
    expect(resourceName('fraud-detection-prod', 'config', at)).toBe('fraud-detection-prod-config-20260301101530');
    const long = resourceName(`${'a'.repeat(40)}-${'b'.repeat(22)}`, 'config', at);
    expect(long).toBe(`${'a'.repeat(40)}-config-20260301101530`);
    expect(long.length).toBeLessThanOrEqual(63);
  });
});

describe('invoke errors and payloads', () => {
  it("reads SageMaker's error type and the model's status from the details", () => {
    const error = { code: 'failed-precondition' as const, message: 'Received client error (415)', details: { ErrorType: 'ModelError', OriginalStatusCode: 415, OriginalMessage: 'bad type' } };
    expect(invokeErrorDetails(error)).toEqual({ errorType: 'ModelError', originalStatusCode: 415, originalMessage: 'bad type' });
    expect(errorLabel(error)).toBe('ModelError 415');
    expect(errorLabel({ code: 'unavailable', message: 'Endpoint x is not serving', details: { ErrorType: 'ModelNotReadyException' } })).toBe('ModelNotReadyException');
    expect(errorLabel({ code: 'internal', message: 'boom' })).toBe('internal');
  });

  it('previews payloads on one line and knows base64', () => {
    expect(preview('1,2,3\n4,5,6')).toBe('1,2,3 4,5,6');
    expect(preview('x'.repeat(50))).toBe(`${'x'.repeat(39)}…`);
    expect(isBase64('k05VTVBZ\nAQB2AA==')).toBe(true);
    expect(isBase64('not base64!')).toBe(false);
    expect(isBase64('abc')).toBe(false);
  });
});
