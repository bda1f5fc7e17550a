/**
 * MLflow's filter for experiments/search (pure): clauses joined by AND, each
 * `name <op> '<string>'` (also `attributes.name`), `tags.<key> <op> '<string>'`, or
 * `creation_time` / `last_update_time` `<op> <number>` (epoch ms). Strings take = != LIKE ILIKE;
 * numbers = != > >= < <=. A clause Lathe cannot read is an error, never ignored.
 */
import { invalid } from '../api/errors';
import type { Experiment } from '../contract/experiments';

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE';

export interface ExperimentClause {
  field: { kind: 'name' } | { kind: 'tag'; key: string } | { kind: 'time'; key: 'creationTime' | 'lastUpdateTime' };
  op: Op;
  value: string | number;
}

const CLAUSE =
  /\s*(?:(?:attributes?|attr)\.)?(?:(?<name>name)|(?<time>creation_time|last_update_time)|tags?\.(?<tag>`[^`]+`|"[^"]+"|[\w.:\-/]+))\s*(?<op>!=|>=|<=|=|>|<|\bI?LIKE\b)\s*(?<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[-+]?\d+(?:\.\d+)?|[A-Za-z_][\w.-]*)\s*(?<and>\bAND\b|$)/iy;

export function parseExperimentFilter(filter: string | undefined): ExperimentClause[] {
  const text = (filter ?? '').trim();
  const clauses: ExperimentClause[] = [];
  let position = 0;
  while (position < text.length) {
    CLAUSE.lastIndex = position;
    const g = CLAUSE.exec(text)?.groups;
    if (!g) {
      throw invalid(
        `Invalid experiment filter ${JSON.stringify(text)} near ${JSON.stringify(text.slice(position, position + 30))}: expected name, tags.<key>, creation_time or last_update_time compared with a value, joined by AND.`,
      );
    }
    const op = g.op!.toUpperCase() as Op;
    const quoted = /^['"]/.test(g.value!);
    const value = quoted ? g.value!.slice(1, -1).replace(/\\(.)/g, '$1') : Number(g.value);
    if (g.time) {
      if (quoted || Number.isNaN(value) || op === 'LIKE' || op === 'ILIKE') throw invalid(`Invalid experiment filter: ${g.time} compares with a number (epoch milliseconds) using = != > >= < <=.`);
      clauses.push({ field: { kind: 'time', key: g.time.toLowerCase() === 'creation_time' ? 'creationTime' : 'lastUpdateTime' }, op, value });
    } else {
      if (!quoted) throw invalid(`Invalid experiment filter: ${g.name ? 'name' : `tags.${g.tag}`} compares with a quoted string, such as '${g.value}'.`);
      if (!['=', '!=', 'LIKE', 'ILIKE'].includes(op)) throw invalid(`Invalid experiment filter: strings take =, !=, LIKE or ILIKE, not ${op}.`);
      clauses.push({ field: g.name ? { kind: 'name' } : { kind: 'tag', key: /^[`"]/.test(g.tag!) ? g.tag!.slice(1, -1) : g.tag! }, op, value });
    }
    position = CLAUSE.lastIndex;
    if (!g.and) break;
    if (position >= text.length) throw invalid(`Invalid experiment filter ${JSON.stringify(text)}: it ends with AND.`);
  }
  return clauses;
}

function like(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

export function experimentMatches(experiment: Experiment, clauses: readonly ExperimentClause[]): boolean {
  return clauses.every(({ field, op, value }) => {
    const actual = field.kind === 'name' ? experiment.name : field.kind === 'tag' ? experiment.tags[field.key] : experiment[field.key];
    if (actual === undefined) return false;
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      case '>':
        return actual > value;
      case '>=':
        return actual >= value;
      case '<':
        return actual < value;
      case '<=':
        return actual <= value;
      case 'LIKE':
      case 'ILIKE':
        return like(String(value), op === 'ILIKE').test(String(actual));
    }
  });
}
