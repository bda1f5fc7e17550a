/**
 * The built-in algorithms' catalog and the check Lathe makes on their hyperparameters when a job is
 * created. The check must give the same verdict as the algorithm itself (Python, same catalog.json):
 * a value Lathe accepts but the algorithm refuses is a job that fails minutes later.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { loadCatalog, validateHyperparameters, type BuiltinAlgorithm } from '../../../main/training/builtinAlgorithms';
import { pythonResourcesDir } from '../../../main/system/resources';

const PYTHON = '/usr/bin/python3';

/** The hyperparameters of the seed project's fraud job. */
const SEED_XGBOOST = { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' };

function algorithm(name: string): BuiltinAlgorithm {
  const found = loadCatalog(pythonResourcesDir()).find((a) => a.name === name);
  if (!found) throw new Error(`no built-in ${name}`);
  return found;
}

/** The message of the invalid-argument fault validateHyperparameters throws, or null when it accepts. */
function refusal(name: string, given: Record<string, string>): string | null {
  try {
    validateHyperparameters(algorithm(name), given);
    return null;
  } catch (error) {
    if (!(error instanceof LatheFault)) throw error;
    expect(error.code).toBe('invalid-argument');
    expect(error.details).toEqual({ field: 'HyperParameters' });
    return error.message;
  }
}

describe('the built-in catalog', () => {
  it('offers xgboost, linear-learner and random-forest, each with a Python module and a train channel', () => {
    const catalog = loadCatalog(pythonResourcesDir());
    expect(catalog.map((a) => [a.name, a.module])).toEqual([
      ['xgboost', 'xgboost_builtin'],
      ['linear-learner', 'linear_learner_builtin'],
      ['random-forest', 'random_forest_builtin'],
    ]);
    for (const entry of catalog) expect(entry.channels.find((c) => c.name === 'train')?.required).toBe(true);
  });

  it('shows every default as a string, as hyperparameters travel', () => {
    const byName = (algo: string, name: string) => algorithm(algo).hyperparameters.find((h) => h.name === name);
    for (const entry of loadCatalog(pythonResourcesDir())) {
      for (const info of entry.hyperparameters) if ('default' in info) expect(typeof info.default, `${entry.name}.${info.name}`).toBe('string');
    }
    expect(byName('xgboost', 'eta')?.default).toBe('0.3');
    expect(byName('xgboost', 'objective')?.default).toBe('reg:squarederror');
    expect(byName('xgboost', 'max_depth')?.default).toBe('6');
    expect(byName('linear-learner', 'normalize_data')?.default).toBe('true');
    expect(byName('random-forest', 'max_features')?.default).toBe('sqrt');
    // No default at all (not "undefined" or "null") where the catalog has none.
    expect(byName('xgboost', 'num_round')).not.toHaveProperty('default');
    expect(byName('xgboost', 'num_round')?.required).toBe(true);
    expect(byName('linear-learner', 'learning_rate')).not.toHaveProperty('default');
  });
});

describe('validateHyperparameters', () => {
  it("accepts the seed project's xgboost hyperparameters", () => {
    expect(refusal('xgboost', SEED_XGBOOST)).toBeNull();
  });

  it.each([
    ['a wrong type', { max_depth: 'deep' }, 'hyperparameter max_depth must be an integer, got "deep"'],
    ['a value below min', { eta: '-0.1' }, 'hyperparameter eta must be at least 0, got -0.1'],
    ['a value above max', { subsample: '1.5' }, 'hyperparameter subsample must be at most 1, got 1.5'],
    ['a value not among the choices', { objective: 'binary:logisitc' }, 'hyperparameter objective must be one of binary:logistic, '],
    ['an unknown name', { num_rounds: '10' }, 'unknown hyperparameter num_rounds; xgboost takes alpha, base_score, '],
    ['multi:softprob without num_class', { objective: 'multi:softprob' }, 'hyperparameter num_class is required with objective multi:softprob'],
  ])('refuses %s, naming the problem', (_what, change, message) => {
    expect(refusal('xgboost', { ...SEED_XGBOOST, ...change })).toContain(message);
  });

  it('refuses a missing required hyperparameter, saying what it is for', () => {
    const { num_round: _dropped, ...rest } = SEED_XGBOOST;
    expect(refusal('xgboost', rest)).toBe('HyperParameters: hyperparameter num_round is required (number of boosting rounds).');
  });

  it('accepts multi:softprob once num_class is given', () => {
    expect(refusal('xgboost', { ...SEED_XGBOOST, objective: 'multi:softprob', num_class: '3' })).toBeNull();
  });

  it('names every problem at once', () => {
    const message = refusal('xgboost', { max_depth: 'x', eta: '2', objective: 'multi:softmax', colour: 'red', flavour: 'mint' });
    expect(message).toMatch(/^HyperParameters: /);
    for (const problem of [
      'unknown hyperparameters colour, flavour;',
      'hyperparameter num_round is required',
      'hyperparameter max_depth must be an integer',
      'hyperparameter eta must be at most 1',
      'hyperparameter num_class is required with objective multi:softmax',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('checks linear-learner and random-forest against their own declarations', () => {
    expect(refusal('linear-learner', { predictor_type: 'regressor', normalize_data: 'False', epochs: '3' })).toBeNull();
    expect(refusal('linear-learner', { predictor_type: 'regressor', normalize_data: 'maybe' })).toContain('hyperparameter normalize_data must be true or false, got "maybe"');
    expect(refusal('random-forest', { predictor_type: 'binary_classifier', num_trees: '0' })).toContain('hyperparameter num_trees must be at least 1, got 0');
    expect(refusal('random-forest', { num_trees: '10' })).toContain('hyperparameter predictor_type is required');
  });
});

type Verdict = 'accept' | 'refuse';
interface Case {
  algorithm: string;
  hyperparameters: Record<string, string>;
}

const xgb = (change: Record<string, string>): Case => ({ algorithm: 'xgboost', hyperparameters: { num_round: '10', ...change } });
const ll = (change: Record<string, string>): Case => ({ algorithm: 'linear-learner', hyperparameters: { predictor_type: 'regressor', ...change } });
const rf = (change: Record<string, string>): Case => ({ algorithm: 'random-forest', hyperparameters: { predictor_type: 'regressor', ...change } });

/** Cases where TS and Python must agree. */
const PARITY: Case[] = [
  { algorithm: 'xgboost', hyperparameters: SEED_XGBOOST },
  // integers
  xgb({ num_round: '1e2' }),
  xgb({ num_round: ' 5 ' }),
  xgb({ num_round: '\t5\n' }),
  xgb({ num_round: '1_000' }),
  xgb({ num_round: '1__000' }),
  xgb({ num_round: '_1' }),
  xgb({ num_round: '5.0' }),
  xgb({ num_round: '5.' }),
  xgb({ num_round: '5.5' }),
  xgb({ num_round: '.5' }),
  xgb({ num_round: '+7' }),
  xgb({ num_round: '0' }),
  xgb({ num_round: '100000' }),
  xgb({ num_round: '100001' }),
  xgb({ num_round: '1e400' }),
  xgb({ num_round: '0x10' }),
  xgb({ num_round: '' }),
  xgb({ num_round: 'nan' }),
  xgb({ num_round: 'inf' }),
  xgb({ max_depth: '-0' }),
  xgb({ max_depth: '-1' }),
  xgb({ seed: '-12' }),
  xgb({ verbosity: '3' }),
  xgb({ verbosity: '4' }),
  // continuous
  xgb({ eta: '.5' }),
  xgb({ eta: '5.' }),
  xgb({ eta: '-0' }),
  xgb({ eta: '0' }),
  xgb({ eta: '1' }),
  xgb({ eta: '1.0000001' }),
  xgb({ eta: '1e-3' }),
  xgb({ eta: '5e-1_0' }),
  xgb({ eta: '-inf' }), // Python: below min 0, so both refuse
  xgb({ eta: 'inf' }), // Python: above max 1, so both refuse
  xgb({ eta: '0.2.1' }),
  xgb({ eta: 'e5' }),
  xgb({ tweedie_variance_power: '2' }),
  xgb({ tweedie_variance_power: '0.99' }),
  xgb({ base_score: '-3.5' }),
  // categorical and string
  xgb({ objective: 'binary:logistic' }),
  xgb({ objective: ' binary:logistic ' }),
  xgb({ objective: 'Binary:Logistic' }),
  xgb({ objective: 'multi:softprob' }),
  xgb({ objective: 'multi:softmax', num_class: '3' }),
  xgb({ objective: 'multi:softmax', num_class: '1' }),
  xgb({ eval_metric: 'rmse, mae' }),
  xgb({ booster: 'dart' }),
  xgb({ booster: '' }),
  // names
  xgb({ Num_Round: '10' }),
  { algorithm: 'xgboost', hyperparameters: {} },
  { algorithm: 'xgboost', hyperparameters: { eta: '0.1' } },
  // booleans
  ll({ normalize_data: 'TRUE' }),
  ll({ normalize_data: 'False' }),
  ll({ normalize_data: '0' }),
  ll({ normalize_data: '1' }),
  ll({ normalize_data: ' true ' }),
  ll({ normalize_data: 'yes' }),
  ll({ normalize_data: '2' }),
  ll({ normalize_data: '' }),
  // linear-learner and random-forest
  ll({ num_classes: '2' }),
  ll({ num_classes: '3' }),
  ll({ epochs: '10000' }),
  ll({ epochs: '10001' }),
  ll({ learning_rate: '0' }),
  ll({ loss: 'hinge_loss' }),
  ll({ predictor_type: 'classifier' }),
  rf({ num_trees: '1e4' }),
  rf({ num_trees: '1e5' }),
  rf({ max_depth: '0' }),
  rf({ max_features: 'all' }),
  rf({ class_weight: 'balanced_subsample' }),
  rf({ min_samples_leaf: '1.0' }),
];

/**
 * Values TS refuses on purpose although Python accepts them: TS refuses nan and ±inf for a
 * continuous hyperparameter, which Python's float() takes (and, for nan, every min/max comparison
 * is False, so even a bounded one passes). Neither makes sense as a learning rate or a weight.
 */
const TS_STRICTER: Case[] = [
  xgb({ eta: 'nan' }),
  xgb({ eta: 'NaN' }),
  xgb({ base_score: 'inf' }),
  xgb({ base_score: '-Infinity' }),
  xgb({ lambda: 'infinity' }),
  ll({ learning_rate: 'nan' }),
];

/**
 * Divergences found once and fixed in builtinAlgorithms.ts, kept as cases of their own:
 *  - the `multi:` rule must look at the stripped objective (" multi:softprob" without num_class);
 *  - Python's strip() keeps U+FEFF (a BOM pasted with a value) where JS trim() drops it;
 *  - Python's strip() drops U+001C..U+001F and U+0085, and float() reads any Unicode decimal digit
 *    (full-width ５).
 */
const KNOWN_DIVERGENCES: Case[] = [
  xgb({ objective: ' multi:softprob' }),
  xgb({ num_round: '\ufeff5' }),
  xgb({ objective: '\ufeffbinary:logistic' }),
  xgb({ num_round: '5\u0085' }),
  xgb({ num_round: '\u001c5' }),
  xgb({ num_round: '\uff15' }),
];

/** Runs every case through the algorithm's own parsing (and xgboost's num_class rule) in one Python. */
function pythonVerdicts(cases: Case[]): Array<{ verdict: Verdict; message: string | null }> {
  const script = `
import json, sys
from lathe.algorithms.contract import AlgorithmError
from lathe.algorithms.hyperparameters import load_spec, parse_hyperparameters
from lathe.algorithms.xgboost_builtin import booster_params
results = []
for case in json.load(sys.stdin):
    try:
        values = parse_hyperparameters(load_spec(case["algorithm"]), case["hyperparameters"])
        if case["algorithm"] == "xgboost":
            booster_params(values)
        results.append({"verdict": "accept", "message": None})
    except AlgorithmError as error:
        results.append({"verdict": "refuse", "message": str(error)})
print(json.dumps(results))
`;
  const out = execFileSync(PYTHON, ['-c', script], {
    input: JSON.stringify(cases),
    env: { ...process.env, PYTHONPATH: pythonResourcesDir() },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Array<{ verdict: Verdict; message: string | null }>;
}

describe('parity with the Python algorithms', () => {
  let python: Array<{ verdict: Verdict; message: string | null }> = [];
  beforeAll(() => {
    python = pythonVerdicts([...PARITY, ...TS_STRICTER, ...KNOWN_DIVERGENCES]);
  });

  it('has a table broad enough to mean something', () => {
    expect(PARITY.length).toBeGreaterThanOrEqual(25);
    expect(python).toHaveLength(PARITY.length + TS_STRICTER.length + KNOWN_DIVERGENCES.length);
    // Both verdicts are exercised.
    expect(python.slice(0, PARITY.length).filter((r) => r.verdict === 'accept').length).toBeGreaterThan(10);
    expect(python.slice(0, PARITY.length).filter((r) => r.verdict === 'refuse').length).toBeGreaterThan(10);
  });

  it('gives the verdict the algorithm gives, naming the same hyperparameter, for every case', () => {
    const mismatches: string[] = [];
    PARITY.forEach((testCase, i) => {
      const py = python[i]!;
      const ts = refusal(testCase.algorithm, testCase.hyperparameters);
      const verdict: Verdict = ts === null ? 'accept' : 'refuse';
      const where = `${testCase.algorithm} ${JSON.stringify(testCase.hyperparameters)}`;
      if (verdict !== py.verdict) {
        mismatches.push(`${where}: TS ${verdict} (${ts}), Python ${py.verdict} (${py.message})`);
        return;
      }
      // Python stops at its first problem; TS lists them all, so it must include Python's subject.
      const subject = py.message === null ? null : /^(unknown hyperparameters? [^;]+|hyperparameter \S+)/.exec(py.message)?.[1];
      if (py.message !== null && (!subject || !ts!.includes(subject))) {
        mismatches.push(`${where}: Python says ${JSON.stringify(py.message)}, TS says ${JSON.stringify(ts)}`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('refuses non-finite continuous values that Python would accept', () => {
    TS_STRICTER.forEach((testCase, i) => {
      const name = Object.keys(testCase.hyperparameters).find((key) => key !== 'num_round' && key !== 'predictor_type')!;
      expect(python[PARITY.length + i], JSON.stringify(testCase)).toEqual({ verdict: 'accept', message: null });
      expect(refusal(testCase.algorithm, testCase.hyperparameters)).toContain(`hyperparameter ${name} must be a number`);
    });
  });

  it.each(KNOWN_DIVERGENCES.map((testCase, i) => [JSON.stringify(testCase.hyperparameters), testCase, i] as const))(
    'agrees with Python on %s (a divergence once found)',
    (_shown, testCase, i) => {
      const py = python[PARITY.length + TS_STRICTER.length + i]!;
      const ts = refusal(testCase.algorithm, testCase.hyperparameters);
      expect(ts === null ? 'accept' : 'refuse').toBe(py.verdict);
    },
  );
});
