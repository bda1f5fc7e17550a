/**
 * MLflow's search filter for runs (pure): clauses joined by AND, each
 * `metrics.<key> <op> <number>`, `params.<key> <op> '<string>'`, `tags.<key> <op> '<string>'` or
 * `attributes.<status|run_name|start_time|end_time> <op> <value>`; keys may be quoted with
 * backticks or double quotes. Ops: = != > >= < <= for numbers; = != LIKE ILIKE for strings.
 * Metrics compare their latest value, as MLflow does.
 */
import { invalid } from '../api/errors';
import type { MetricValue, Run } from '../contract/experiments';

type Entity = 'metrics' | 'params' | 'tags' | 'attributes';
type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE';

export interface Clause {
  entity: Entity;
  key: string;
  op: Op;
  value: string | number;
}

const ENTITY_ALIASES: Record<string, Entity> = {
  metric: 'metrics', metrics: 'metrics', param: 'params', params: 'params', parameter: 'params', parameters: 'params',
  tag: 'tags', tags: 'tags', attribute: 'attributes', attributes: 'attributes', attr: 'attributes', run: 'attributes',
};
const ATTRIBUTES = new Set(['status', 'run_name', 'start_time', 'end_time', 'run_id', 'user_id', 'artifact_uri']);

/** Splits on AND outside quotes; each part is one comparison. */
export function parseFilter(filter: string | undefined): Clause[] {
  const text = (filter ?? '').trim();
  if (!text) return [];
  const clauses: Clause[] = [];
  const token = /\s*(?:(?<ident>[A-Za-z_][\w]*)\.(?<key>`[^`]+`|"[^"]+"|[\w.:\-/]+)\s*(?<op>!=|>=|<=|=|>|<|\bI?LIKE\b)\s*(?<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))\s*(?<and>\bAND\b|$)/iy;
  let position = 0;
  while (position < text.length) {
    token.lastIndex = position;
    const match = token.exec(text);
    if (!match?.groups) throw invalid(`Invalid filter ${JSON.stringify(text)} near ${JSON.stringify(text.slice(position, position + 30))}: expected a comparison such as metrics.auc > 0.9 or params.max_depth = '5', joined by AND.`);
    const g = match.groups;
    const entity = ENTITY_ALIASES[g.ident!.toLowerCase()];
    if (!entity) throw invalid(`Invalid filter: ${JSON.stringify(g.ident)} is not metrics, params, tags or attributes.`);
    const key = /^[`"]/.test(g.key!) ? g.key!.slice(1, -1) : g.key!;
    const op = g.op!.toUpperCase() as Op;
    const quoted = /^['"]/.test(g.value!);
    const value: string | number = quoted ? g.value!.slice(1, -1).replace(/\\(.)/g, '$1') : Number(g.value);
    if (entity === 'metrics' && quoted) throw invalid(`Invalid filter: metrics.${key} compares with a number, not a string.`);
    if ((entity === 'params' || entity === 'tags') && !quoted) throw invalid(`Invalid filter: ${entity}.${key} compares with a quoted string, such as '${g.value}'.`);
    if (entity === 'metrics' && (op === 'LIKE' || op === 'ILIKE')) throw invalid(`Invalid filter: ${op} applies to params, tags and attributes, not metrics.`);
    if ((entity === 'params' || entity === 'tags') && !['=', '!=', 'LIKE', 'ILIKE'].includes(op)) throw invalid(`Invalid filter: ${entity}.${key} takes =, !=, LIKE or ILIKE, not ${op}.`);
    if (entity === 'attributes' && !ATTRIBUTES.has(key)) throw invalid(`Invalid filter: attributes.${key} is not one of ${[...ATTRIBUTES].join(', ')}.`);
    clauses.push({ entity, key, op, value });
    position = token.lastIndex;
    if (!g.and) break;
    if (position >= text.length) throw invalid(`Invalid filter ${JSON.stringify(text)}: it ends with AND.`);
  }
  return clauses;
}

function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  // u: `_` is one character (code point), as in SQL, not one UTF-16 unit.
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

function compare(actual: string | number | undefined, op: Op, expected: string | number): boolean {
  if (actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case 'LIKE':
    case 'ILIKE':
      return likeRegex(String(expected), op === 'ILIKE').test(String(actual));
  }
}

const numeric = (value: MetricValue): number => (typeof value === 'number' ? value : Number(value));

export function matches(run: Run, clauses: readonly Clause[]): boolean {
  return clauses.every((clause) => {
    switch (clause.entity) {
      case 'metrics': {
        const metric = run.metrics.find((m) => m.key === clause.key);
        return metric !== undefined && compare(numeric(metric.last), clause.op, clause.value);
      }
      case 'params':
        return compare(run.params[clause.key], clause.op, clause.value);
      case 'tags':
        return compare(run.tags[clause.key], clause.op, clause.value);
      case 'attributes': {
        const info = run.info;
        const values: Record<string, string | number | undefined> = {
          status: info.status, run_name: info.runName, start_time: info.startTime, end_time: info.endTime, run_id: info.runId, user_id: 'lathe', artifact_uri: info.artifactUri,
        };
        return compare(values[clause.key], clause.op, clause.value);
      }
    }
  });
}

/** The metric's latest value in SQL: NaN stays NULL, the infinities become SQLite's. */
const METRIC_VALUE = "COALESCE(s.last_value, CASE s.last_special WHEN 'Infinity' THEN 9e999 WHEN '-Infinity' THEN -9e999 END)";
const STRING_ATTRIBUTES: Record<string, string> = { status: 'runs.status', run_name: 'runs.name', run_id: 'runs.id', artifact_uri: 'runs.artifact_uri' };
const NUMBER_ATTRIBUTES: Record<string, string> = { start_time: 'runs.start_time', end_time: 'runs.end_time' };

/** A LIKE pattern as a GLOB one: GLOB is case-sensitive as MLflow's LIKE is; its own wildcards are escaped. */
export function likeToGlob(pattern: string): string {
  return pattern.replace(/[[*?]/g, (c) => `[${c}]`).replace(/%/g, '*').replace(/_/g, '?');
}

/**
 * `column op ?` for a string comparison SQLite answers as `compare` does (`exact`), or a superset
 * of it (then `matches` checks the rows found), or null.
 */
function stringSql(column: string, op: Op, value: string | number): { sql: string; params: unknown[]; exact?: boolean } | null {
  if (typeof value !== 'string') return null;
  if (op === '=') return { sql: `${column} = ?`, params: [value] };
  if (op === '!=') return { sql: `${column} != ?`, params: [value] };
  // GLOB reads text only up to a NUL: a value holding one is left to `matches` (the clause is also in `rest`).
  if (op === 'LIKE') return { sql: `(${column} GLOB ? OR instr(${column}, char(0)) > 0)`, params: [likeToGlob(value)], exact: false };
  return null; // ILIKE folds case as JavaScript does, not as SQLite: checked on the rows instead
}

/**
 * The clauses SQLite can answer as `matches` does, as a WHERE fragment over `runs`; `rest` holds the
 * clauses `matches` must still check on the rows found: those SQLite cannot answer (ILIKE, user_id,
 * comparisons of mixed types) and LIKE, which it only narrows (a value holding a NUL).
 */
export function filterSql(clauses: readonly Clause[]): { where: string; params: unknown[]; rest: Clause[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const rest: Clause[] = [];
  for (const clause of clauses) {
    let part: { sql: string; params: unknown[]; exact?: boolean } | null = null;
    if (clause.entity === 'metrics' && typeof clause.value === 'number') {
      const test = clause.op === '!=' ? `(${METRIC_VALUE} IS NULL OR ${METRIC_VALUE} != ?)` : `${METRIC_VALUE} ${clause.op} ?`;
      part = { sql: `EXISTS (SELECT 1 FROM run_metric_summaries s WHERE s.run_id = runs.id AND s.key = ? AND ${test})`, params: [clause.key, clause.value] };
    } else if (clause.entity === 'params' || clause.entity === 'tags') {
      const inner = stringSql('t.value', clause.op, clause.value);
      const table = clause.entity === 'params' ? 'run_params' : 'run_tags';
      if (inner) part = { sql: `EXISTS (SELECT 1 FROM ${table} t WHERE t.run_id = runs.id AND t.key = ? AND ${inner.sql})`, params: [clause.key, ...inner.params], ...(inner.exact === false ? { exact: false } : {}) };
    } else if (clause.entity === 'attributes') {
      const text = STRING_ATTRIBUTES[clause.key];
      const number = NUMBER_ATTRIBUTES[clause.key];
      if (text) part = stringSql(text, clause.op, clause.value);
      else if (number && typeof clause.value === 'number' && ['=', '!=', '>', '>=', '<', '<='].includes(clause.op)) part = { sql: `${number} ${clause.op} ?`, params: [clause.value] };
    }
    if (part) {
      parts.push(part.sql);
      params.push(...part.params);
      if (part.exact === false) rest.push(clause);
    } else {
      rest.push(clause);
    }
  }
  return { where: parts.length > 0 ? parts.join(' AND ') : '1', params, rest };
}
