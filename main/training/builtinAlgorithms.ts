/**
 * The built-in algorithms and their hyperparameters, read from resources/python/lathe/algorithms/
 * catalog.json — the same file the Python side parses its hyperparameters with — so a bad value
 * is refused when the job is created, with the same rules and words the algorithm would use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { invalid } from '../api/errors';
import type { AlgorithmInfo, HyperparameterInfo } from '../contract/training';

export interface BuiltinAlgorithm extends AlgorithmInfo {
  /** The Python module under lathe.algorithms that runs it. */
  module: string;
}

let cached: { dir: string; algorithms: BuiltinAlgorithm[] } | null = null;

export function loadCatalog(pythonPath: string): BuiltinAlgorithm[] {
  if (cached?.dir !== pythonPath) {
    const file = path.join(pythonPath, 'lathe', 'algorithms', 'catalog.json');
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { algorithms: Array<BuiltinAlgorithm & { hyperparameters: Array<HyperparameterInfo & { default?: unknown }> }> };
    // Defaults are stored as JSON values; hyperparameters travel as strings, so show them as such.
    const algorithms = parsed.algorithms.map((algorithm) => ({
      ...algorithm,
      hyperparameters: algorithm.hyperparameters.map(({ default: value, ...rest }) => ({
        ...rest,
        ...(value === undefined || value === null ? {} : { default: String(value) }),
      })),
    }));
    cached = { dir: pythonPath, algorithms };
  }
  return cached.algorithms;
}

/** Python's float(): decimal, exponent, underscores between digits (after strip()). */
const PY_NUMBER = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** What Python's str.isspace() calls whitespace: unlike JS trim(), it includes U+001C–U+001F and U+0085, and not U+FEFF. */
const PY_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Python's str.strip(). */
export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

const UNICODE_DIGIT = /\p{Nd}/u;

/** Python's float() reads any Unicode decimal digit (full-width ５ is 5); digits come in runs of ten from zero. */
function asciiDigits(text: string): string {
  return [...text]
    .map((char) => {
      if (char >= '0' && char <= '9') return char;
      if (!UNICODE_DIGIT.test(char)) return char;
      let start = char.codePointAt(0)!;
      while (UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
      return String((char.codePointAt(0)! - start) % 10);
    })
    .join('');
}

function parseNumber(text: string): number | null {
  const stripped = asciiDigits(pyStrip(text));
  return PY_NUMBER.test(stripped) ? Number(stripped.replace(/_/g, '')) : null;
}

/** The message for one bad value, or null when it is fine. Mirrors lathe/algorithms/hyperparameters.py. */
export function checkValue(info: HyperparameterInfo, text: string): string | null {
  let value: number | string | boolean;
  switch (info.type) {
    case 'integer': {
      const number = parseNumber(text);
      if (number === null || !Number.isInteger(number)) return `hyperparameter ${info.name} must be an integer, got ${JSON.stringify(text)}`;
      value = number;
      break;
    }
    case 'continuous': {
      const number = parseNumber(text);
      if (number === null || !Number.isFinite(number)) return `hyperparameter ${info.name} must be a number, got ${JSON.stringify(text)}`;
      value = number;
      break;
    }
    case 'boolean': {
      const lowered = pyStrip(text).toLowerCase();
      if (!['true', '1', 'false', '0'].includes(lowered)) return `hyperparameter ${info.name} must be true or false, got ${JSON.stringify(text)}`;
      value = lowered === 'true' || lowered === '1';
      break;
    }
    default:
      value = pyStrip(text);
  }
  if (typeof value === 'number') {
    if (info.min !== undefined && info.minExclusive && value <= info.min) return `hyperparameter ${info.name} must be above ${info.min}, got ${text}`;
    if (info.min !== undefined && value < info.min) return `hyperparameter ${info.name} must be at least ${info.min}, got ${text}`;
    if (info.max !== undefined && value > info.max) return `hyperparameter ${info.name} must be at most ${info.max}, got ${text}`;
  }
  if (info.values && !info.values.includes(String(value))) return `hyperparameter ${info.name} must be one of ${info.values.join(', ')}, got ${JSON.stringify(text)}`;
  return null;
}

/** Throws invalid-argument naming every problem with the hyperparameters of a built-in. */
export function validateHyperparameters(algorithm: BuiltinAlgorithm, given: Record<string, string>): void {
  const byName = new Map(algorithm.hyperparameters.map((info) => [info.name, info]));
  const problems: string[] = [];
  const unknown = Object.keys(given).filter((name) => !byName.has(name)).sort();
  if (unknown.length > 0) {
    problems.push(`unknown hyperparameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ${algorithm.name} takes ${[...byName.keys()].sort().join(', ')}`);
  }
  for (const info of algorithm.hyperparameters) {
    const text = given[info.name];
    if (text === undefined) {
      if (info.required) problems.push(`hyperparameter ${info.name} is required (${info.description})`);
      continue;
    }
    const problem = checkValue(info, text);
    if (problem) problems.push(problem);
  }
  if (algorithm.name === 'xgboost' && pyStrip(given.objective ?? '').startsWith('multi:') && given.num_class === undefined) {
    problems.push(`hyperparameter num_class is required with objective ${given.objective}`);
  }
  if (problems.length > 0) throw invalid(`HyperParameters: ${problems.join('; ')}.`, { field: 'HyperParameters' });
}
