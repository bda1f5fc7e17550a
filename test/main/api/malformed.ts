import { pick } from '../../helpers/random';

export interface Malformed {
  payload: unknown;
  /** The field the router's message must name ("payload" for the root). */
  field: string;
  kind: string;
}

type Path = Array<string | number>;

function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, i) => leafPaths(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]))];
  }
  return [prefix];
}

function objectPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return [prefix, ...Object.entries(value).flatMap(([key, item]) => objectPaths(item, [...prefix, key]))];
}

function setAt(root: unknown, path: Path, update: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  if (path.length === 0) return copy;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  update(node, path[path.length - 1] as string | number);
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const WRONG_VALUES: Record<string, unknown[]> = {
  string: [42, true, null, [], { a: 1 }, -1.5],
  number: ['7', true, null, [], { n: 1 }, 'NaN', Number.POSITIVE_INFINITY, 3.5],
  boolean: ['true', 0, 1, null, [], {}],
  object: ['x', 3, true, null, [1, 2]],
  array: ['x', 3, true, null, { 0: 'a' }],
  null: ['', 0, false, [], {}],
};

/**
 * Turns a valid example request into a malformed one: a root that is not an object, a field of
 * the wrong type, an unknown field, a required field removed, or an over-long string.
 */
export function malform(example: Record<string, unknown>, random: () => number, serial: number): Malformed {
  const kind = pick(random, ['root', 'wrong-type', 'unknown-key', 'missing', 'too-long'] as const);
  if (kind === 'root') return { payload: pick(random, ['{}', 17, true, null, [example], 'payload']), field: 'payload', kind };
  if (kind === 'unknown-key') {
    const at = pick(random, objectPaths(example));
    const key = `zz_unexpected_${serial}`;
    return { payload: setAt(example, [...at, key], (p, k) => void (p[k] = 'surprise')), field: key, kind };
  }
  const leaves = leafPaths(example).filter((p) => p.length > 0);
  if (leaves.length === 0 || kind === 'missing') {
    const keys = Object.keys(example);
    if (keys.length === 0) return { payload: { [`zz_extra_${serial}`]: 1 }, field: `zz_extra_${serial}`, kind: 'unknown-key' };
    const path = pick(random, leaves.length > 0 ? leaves : keys.map((k) => [k]));
    return { payload: setAt(example, path, (p, k) => void (Array.isArray(p) ? p.splice(k as number, 1, undefined) : delete p[k])), field: path.join('.'), kind: 'missing' };
  }
  const path = pick(random, leaves);
  const current = getAt(example, path);
  if (kind === 'too-long' && typeof current === 'string') {
    return { payload: setAt(example, path, (p, k) => void (p[k] = 'x'.repeat(5000 + serial))), field: path.join('.'), kind };
  }
  const wrong = pick(random, WRONG_VALUES[kindOf(current)] ?? [Symbol.name]);
  return { payload: setAt(example, path, (p, k) => void (p[k] = wrong)), field: path.join('.'), kind: 'wrong-type' };
}
