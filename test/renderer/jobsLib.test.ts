import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../renderer/lib/ansi';
import { chartRows, formatDuration, jobNameProblem, localPathOf, mergeLogTail, suggestJobName, toDataUri, uniqueName } from '../../renderer/lib/jobs';
import { errorsFrom, hyperparameterProblem, localErrors, newDraft, splitFieldPath, toRequest } from '../../renderer/panes/jobs/jobForm';
import { matchingLines, windowOf } from '../../renderer/panes/jobs/LogView';
import { algorithms, xgboost } from './jobFixtures';

describe('ANSI parsing', () => {
  it('turns SGR codes into styles and drops other escape sequences', () => {
    const { segments } = parseAnsi('\u001b[2K\u001b[1;32mok\u001b[0m plain \u001b[38;2;10;20;30mrgb\u001b[39m\u001b]0;title\u0007 end');
    expect(segments).toEqual([
      { text: 'ok', style: { bold: true, fg: { index: 2 } } },
      { text: ' plain ', style: {} },
      { text: 'rgb', style: { fg: { css: 'rgb(10, 20, 30)' } } },
      { text: ' end', style: {} },
    ]);
  });

  it('handles bright colours, 256 colours and resets of single attributes', () => {
    const { segments, style } = parseAnsi('\u001b[91;4ma\u001b[24;48;5;196mb');
    expect(segments[0]).toEqual({ text: 'a', style: { fg: { index: 9 }, underline: true } });
    expect(segments[1]).toEqual({ text: 'b', style: { fg: { index: 9 }, bg: { css: 'rgb(255, 0, 0)' } } });
    expect(style).toEqual({ fg: { index: 9 }, bg: { css: 'rgb(255, 0, 0)' } });
  });

  it('strips every escape for search and copying', () => {
    expect(stripAnsi('\u001b[31mred\u001b[0m \u001b[?25lhidden cursor\u001b[?25h')).toBe('red hidden cursor');
  });
});

describe('job helpers', () => {
  it('joins a log page and the live lines that arrived meanwhile without repeating the overlap', () => {
    expect(mergeLogTail(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeLogTail(['a', 'b'], ['c'])).toEqual(['a', 'b', 'c']);
    expect(mergeLogTail(['a', 'b'], ['a', 'b'])).toEqual(['a', 'b']);
    expect(mergeLogTail([], ['x'])).toEqual(['x']);
  });

  it('makes file:// URIs of paths and reads them back', () => {
    expect(toDataUri('/data/fraud data/train.csv')).toBe('file:///data/fraud%20data/train.csv');
    expect(toDataUri(' s3://lathe/train ')).toBe('s3://lathe/train');
    expect(toDataUri('C:\\data\\train.csv')).toBe('file:///C:/data/train.csv');
    expect(localPathOf('file:///data/fraud%20data/train.csv')).toBe('/data/fraud data/train.csv');
    expect(localPathOf('s3://lathe/train')).toBeNull();
    expect(localPathOf('/tmp/x')).toBe('/tmp/x');
  });

  it('suggests unique names that follow the SageMaker pattern', () => {
    const at = new Date(2025, 0, 2, 13, 4, 5);
    expect(suggestJobName('xgboost', at, new Set())).toBe('xgboost-20250102-130405');
    expect(suggestJobName('xgboost', at, new Set(['xgboost-20250102-130405']))).toBe('xgboost-20250102-130406');
    expect(uniqueName('fraud-xgb-1', new Set(['fraud-xgb-1', 'fraud-xgb-2']))).toBe('fraud-xgb-3');
    expect(uniqueName('fraud', new Set(['fraud']))).toBe('fraud-2');
    expect(uniqueName('x'.repeat(70), new Set())).toHaveLength(63);
    expect(jobNameProblem('fraud-xgb-1')).toBeNull();
    expect(jobNameProblem('-fraud')).toMatch(/letters, digits and hyphens/);
    expect(jobNameProblem('a'.repeat(64))).toMatch(/at most 63/);
  });

  it('formats durations', () => {
    expect(formatDuration(4.9)).toBe('4s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(7322)).toBe('2h 02m');
  });

  it('aligns metric series by step and thins long ones, keeping the last point', () => {
    const rows = chartRows([
      { name: 'train:auc', points: [{ step: 0, value: 0.5 }, { step: 1, value: 0.6 }] },
      { name: 'validation:auc', points: [{ step: 1, value: 0.55 }] },
    ]);
    expect(rows).toEqual([{ step: 0, 'train:auc': 0.5 }, { step: 1, 'train:auc': 0.6, 'validation:auc': 0.55 }]);
    const long = chartRows([{ name: 'm', points: Array.from({ length: 5000 }, (_, step) => ({ step, value: step })) }], 100);
    expect(long).toHaveLength(100);
    expect(long.at(-1)).toEqual({ step: 4999, m: 4999 });
  });
});

describe('log view windowing and search', () => {
  it('renders only the rows in view plus a margin', () => {
    expect(windowOf(100_000, 0, 360)).toEqual({ start: 0, end: 40 });
    expect(windowOf(100_000, 18_000, 360)).toEqual({ start: 980, end: 1040 });
    expect(windowOf(10, 0, 360)).toEqual({ start: 0, end: 10 });
  });

  it('matches lines case-insensitively, ignoring colour codes', () => {
    expect(matchingLines(['\u001b[31mAUC\u001b[0m 0.9', 'loss', 'val-auc'], 'auc')).toEqual([0, 2]);
    expect(matchingLines(['\u001b[31m'], '31m')).toEqual([]);
  });
});

describe('create form logic', () => {
  const hp = (name: string) => xgboost.hyperparameters.find((info) => info.name === name)!;

  it('checks hyperparameters by type and range', () => {
    expect(hyperparameterProblem(hp('num_round'), '')).toBe('num_round is required.');
    expect(hyperparameterProblem(hp('num_round'), '1.5')).toBe('num_round must be a whole number.');
    expect(hyperparameterProblem(hp('num_round'), '0')).toBe('num_round must be at least 1.');
    expect(hyperparameterProblem(hp('num_round'), '1e2')).toBeNull(); // as Python's float() reads it
    expect(hyperparameterProblem(hp('num_round'), '100000.5')).toBe('num_round must be a whole number.');
    expect(hyperparameterProblem(hp('eta'), 'fast')).toBe('eta must be a number.');
    expect(hyperparameterProblem(hp('eta'), '0.2')).toBeNull();
    expect(hyperparameterProblem(hp('subsample'), '0')).toBe('subsample must be greater than 0.');
    expect(hyperparameterProblem(hp('objective'), 'binary:nope')).toMatch(/must be one of binary:logistic/);
    expect(hyperparameterProblem({ name: 'flag', type: 'boolean', required: false, description: '' }, 'yes')).toBe('flag must be true or false.');
    expect(hyperparameterProblem({ name: 'flag', type: 'boolean', required: false, description: '' }, 'False')).toBeNull();
  });

  it('asks for a max wait no shorter than the max runtime', () => {
    const draft = { ...newDraft(algorithms, 'xgboost', new Set(), new Date()), maxRuntime: '600', maxWait: '300' };
    expect(localErrors(draft, xgboost).fields.maxWait).toBe('The maximum wait must be at least the maximum runtime.');
  });

  it('sends checkpoints and managed spot when asked', () => {
    const draft = { ...newDraft(algorithms, 'xgboost', new Set(), new Date()), checkpointUri: '/tmp/ckpt', spot: true, maxWait: '7200', maxRuntime: '3600' };
    const request = toRequest(draft, xgboost);
    expect(request.CheckpointConfig).toEqual({ S3Uri: 'file:///tmp/ckpt' });
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
  });

  it('splits a field path from main into its parts', () => {
    expect(splitFieldPath('InputDataConfig[0].DataSource.S3DataSource.S3Uri')).toEqual(['InputDataConfig', '0', 'DataSource', 'S3DataSource', 'S3Uri']);
    expect(splitFieldPath('HyperParameters.eta')).toEqual(['HyperParameters', 'eta']);
  });

  it('puts a server error next to the field its path or message names', () => {
    const draft = { ...newDraft(algorithms, 'xgboost', new Set(), new Date()) };
    draft.channels[0]!.path = '/missing';
    const byPath = errorsFrom({ code: 'invalid-argument', message: 'x', details: { issues: [{ path: ['InputDataConfig', '0', 'DataSource'], message: 'gone' }] } }, draft);
    expect(byPath.fields).toEqual({ [`channel.${draft.channels[0]!.id}`]: 'gone' });
    const byMessage = errorsFrom({ code: 'not-found', message: 'InputDataConfig[0].DataSource.S3DataSource.S3Uri: /missing does not exist.' }, draft);
    expect(byMessage.fields).toEqual({ [`channel.${draft.channels[0]!.id}`]: '' });
    expect(byMessage.form).toContain('/missing does not exist');
    expect(errorsFrom({ code: 'conflict', message: 'Training job a already exists' }, draft).fields).toEqual({ name: '' });
    const byField = errorsFrom({ code: 'not-found', message: 'Channel train: no file or folder at /missing', details: { field: 'InputDataConfig[0].DataSource.S3DataSource.S3Uri' } }, draft);
    expect(byField.fields).toEqual({ [`channel.${draft.channels[0]!.id}`]: '' });
    expect(byField.form).toBe('Channel train: no file or folder at /missing');
  });
});
