import { describe, expect, it } from 'vitest';
import { parseColumnId, type RunColumn } from '../../renderer/panes/experiments/runColumns';
import { csvField, csvFileName, runsCsv } from '../../renderer/panes/experiments/runsCsv';
import { metric, run, runId, T0 } from './experimentsFixtures';

describe('CSV fields', () => {
  it.each([
    ['plain text stays as is', 'xgb-a', 'xgb-a'],
    ['empty stays empty', '', ''],
    ['a comma is quoted', 'a,b', '"a,b"'],
    ['quotes are doubled and quoted', 'say "hi"', '"say ""hi"""'],
    ['LF is quoted', 'line\nbreak', '"line\nbreak"'],
    ['CR is quoted (and defused: some spreadsheets skip it)', '\rx', `"'\rx"`],
    ['= starts a formula: defused', '=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+ followed by text: defused', '+cmd|/C calc', "'+cmd|/C calc"],
    ['- followed by text: defused', '-2+3', "'-2+3"],
    ['@ is defused', '@SUM(1)', "'@SUM(1)"],
    ['tab is defused', '\t=1', "'\t=1"],
    ['a defused field with a comma is quoted too', '=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['a negative number stays a number', '-0.5', '-0.5'],
    ['a signed exponent number stays a number', '-1.5e-3', '-1.5e-3'],
    ['a plus-signed number stays a number', '+3', '+3'],
    ['-Infinity (a metric value) stays as is', '-Infinity', '-Infinity'],
    ['- alone is not a number', '-', "'-"],
  ])('%s', (_, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('runs as CSV', () => {
  it('writes a header of MLflow names, then one CRLF line per run with the chosen columns, full precision', () => {
    const columns = ['name', 'status', 'start', 'duration', 'metric:auc', 'metric.min:auc', 'metric.max:loss', 'param:note', 'tag:owner'].map((id) => parseColumnId(id)!) as RunColumn[];
    const runs = [
      run(1, 'xgb-a', [metric('auc', 0.912345678, { min: 0.5 }), metric('loss', 'NaN', { max: null })], { note: 'eta=0.3, "fast"' }, { owner: '=cmd()' }),
      run(2, '-b', [metric('auc', -0.25)], { note: 'multi\nline' }, {}),
    ];
    const text = runsCsv(runs, columns, T0);
    expect(text).toBe(
      [
        'run_id,run_name,status,start_time,duration_s,metrics.auc,metrics.auc.min,metrics.loss.max,params.note,tags.owner',
        `${runId(1)},xgb-a,FINISHED,2026-03-01T10:00:01.000Z,65,0.912345678,0.5,,"eta=0.3, ""fast""",'=cmd()`,
        `${runId(2)},'-b,FINISHED,2026-03-01T10:00:02.000Z,65,-0.25,-0.25,,"multi\nline",`,
        '',
      ].join('\r\n'),
    );
  });

  it('names the file after the experiment, without path separators', () => {
    expect(csvFileName('fraud')).toBe('fraud-runs.csv');
    expect(csvFileName('team/fraud: v2')).toBe('team_fraud_ v2-runs.csv');
    expect(csvFileName('  ')).toBe('experiment-runs.csv');
  });
});
