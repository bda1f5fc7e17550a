import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { createMetricParser } from '../../../main/jobs/metrics';

describe('metric lines', () => {
  it('reads MetricDefinitions regexes (first group as a float) and #lathe lines, and keeps the last value of each', () => {
    const parser = createMetricParser([
      { Name: 'train:error', Regex: 'Train_error=(.*?);' },
      { Name: 'validation:loss', Regex: 'val_loss: ([0-9.eE+-]+)' },
    ]);
    expect(parser.parse('epoch 1 Train_error=0.25; val_loss: 1.5e-1')).toEqual([
      { name: 'train:error', value: 0.25, step: 0 },
      { name: 'validation:loss', value: 0.15, step: 0 },
    ]);
    expect(parser.parse('epoch 2 Train_error=0.125;')).toEqual([{ name: 'train:error', value: 0.125, step: 1 }]);
    expect(parser.parse('#lathe {"metric": "validation:auc", "value": 0.97, "step": 41}')).toEqual([{ name: 'validation:auc', value: 0.97, step: 41 }]);
    expect(parser.parse('Train_error=n/a;')).toEqual([]);
    expect(parser.parse('#lathe {not json')).toEqual([]);
    expect(parser.parse('#lathe {"metric": "x", "value": "high"}')).toEqual([]);
    expect([...parser.finals()]).toEqual([
      ['train:error', 0.125],
      ['validation:loss', 0.15],
      ['validation:auc', 0.97],
    ]);
  });

  it('refuses a regex that does not compile, naming it, and more than 40 definitions', () => {
    expect(() => createMetricParser([{ Name: 'x', Regex: 'loss=(.*' }])).toThrow(/MetricDefinitions\[0\]\.Regex "loss=\(\.\*" is not a valid regular expression/);
    expect(() => createMetricParser(Array.from({ length: 41 }, (_, i) => ({ Name: `m${i}`, Regex: `m${i}=(\\d+)` })))).toThrow(LatheFault);
  });
});
