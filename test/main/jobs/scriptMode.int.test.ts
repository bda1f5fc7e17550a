import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { entryPointCommand, scriptHyperparameters } from '../../../main/jobs/scriptMode';
import { pyFloatRepr } from '../../../main/jobs/pythonValues';

/**
 * The oracle: Python itself, doing what the training toolkit does (json.loads with a raw-string
 * fallback, sagemaker_* split off, to_cmd_args with Python's str()).
 */
const TOOLKIT = `
import json, sys
def loads(v):
    try:
        return json.loads(v)
    except Exception:
        return v
def to_cmd_args(mapping):
    out = []
    for key in sorted(mapping):
        out.append("--%s" % key if len(key) > 1 else "-%s" % key)
        value = mapping[key]
        if hasattr(value, "items"):
            out.append(",".join("%s=%s" % (k, v) for k, v in sorted(value.items())))
        else:
            out.append(str(value))
    return out
raw = json.loads(sys.stdin.read())
decoded = {k: loads(v) for k, v in raw.items()}
user = {k: v for k, v in decoded.items() if not k.startswith("sagemaker_") and k != "_tuning_objective_metric"}
try:
    decoded_user = json.loads(json.dumps(user, allow_nan=False))
except ValueError:
    decoded_user = None  # NaN/Infinity have no JSON form: compare the argv only
print(json.dumps({"args": to_cmd_args(user), "user": decoded_user}))
`;

function toolkit(raw: Record<string, string>): { args: string[]; user: Record<string, unknown> | null } {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', TOOLKIT], { input: JSON.stringify(raw), encoding: 'utf8' })) as {
    args: string[];
    user: Record<string, unknown> | null;
  };
}

describe('script mode hyperparameters, checked against Python', () => {
  it.each<Record<string, string>>([
    { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' },
    { epochs: '10', lr: '1e-05', big: '1e16', small: '0.0001', tiny: '0.00001', whole: '3.0', neg: '-2.50', exp: '2E3' },
    { flag: 'true', off: 'false', nothing: 'null', quoted: '"train.py"', list: '[1, 2.5, "a", true]', bare: 'hello world' },
    { b: '1', a: '2', 'learning-rate': '0.1', k: '"v"', nested: '{"z": 1, "a": [1, 2], "m": {"x": "y"}}' },
    { sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b/src.tar.gz"', _tuning_objective_metric: 'auc', x: '7' },
    { odd: '{not json', spaces: '  12  ', unicode: '"héllo"', apostrophe: '["it\'s"]', third: '0.1', sum: '0.30000000000000004' },
    { nan: 'NaN', inf: 'Infinity', ninf: '[-Infinity]', esc: '"\\u00e9\\n"', empty: '  [ ]', dup: '{"a":1,"a":2}', negzero: '-0', huge: '1.5e+300', emptystr: '' },
  ])('matches the toolkit for %o', (raw) => {
    const ours = scriptHyperparameters(raw);
    const expected = toolkit(raw);
    expect(ours.args).toEqual(expected.args);
    if (expected.user !== null) expect(ours.user).toEqual(expected.user);
  });

  it('finds the entry point and code location the SDK sends', () => {
    const hps = scriptHyperparameters({ sagemaker_program: '"train.py"', sagemaker_submit_directory: '"file:///src"', epochs: '3' });
    expect(hps.program).toBe('train.py');
    expect(hps.submitDirectory).toBe('file:///src');
    expect(hps.framework).toEqual({ sagemaker_program: 'train.py', sagemaker_submit_directory: 'file:///src' });
  });

  it('runs .py entry points with Python and anything else through sh with quoted args', () => {
    expect(entryPointCommand('train.py', ['--epochs', '3'], '/usr/bin/python3')).toEqual({ file: '/usr/bin/python3', args: ['train.py', '--epochs', '3'] });
    expect(entryPointCommand('train.sh', ['--name', "it's"], 'python')).toEqual({ file: '/bin/sh', args: ['-c', `'./train.sh' '--name' 'it'\\''s'`] });
  });

  it('formats floats exactly as Python repr does', () => {
    const cases = [0.1, 1e-5, 1e16, 1e15, 123456789.125, -0.5, 5e-324, 1.7976931348623157e308, 0.0001, 100.0, 2.5e-7];
    const python = execFileSync('/usr/bin/python3', ['-c', `import sys, json\nprint("\\n".join(repr(float(x)) for x in json.loads(sys.argv[1])))`, JSON.stringify(cases)], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(cases.map(pyFloatRepr)).toEqual(python);
  });
});
