/**
 * Notebook files as nbformat reads and writes them, without Python: the exact serialization
 * (`json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus a newline), where a file
 * that is not JSON breaks, and the shape check for nbformat 4. What Lathe does not understand is
 * never touched: a notebook is kept as the parsed JSON, every field as it was.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Python's string order (code points), which `sort_keys` uses; JS `<` compares UTF-16 units. */
function compareKeys(a: string, b: string): number {
  if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return x.length - y.length;
}

function write(value: unknown, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    // undefined and functions have no JSON form: nbformat never has them; null keeps the slot.
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const inner = indent + ' ';
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[]');
    out.push('[');
    value.forEach((item, i) => {
      out.push(`${i === 0 ? '' : ','}\n${inner}`);
      write(item, inner, out);
    });
    out.push(`\n${indent}]`);
    return;
  }
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort(compareKeys);
  if (keys.length === 0) return void out.push('{}');
  out.push('{');
  keys.forEach((key, i) => {
    out.push(`${i === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `);
    write((value as Record<string, unknown>)[key], inner, out);
  });
  out.push(`\n${indent}}`);
}

/** The file nbformat would write for this notebook: keys sorted, one-space indent, a trailing newline. */
export function serializeNotebook(notebook: unknown): string {
  const out: string[] = [];
  write(notebook, '', out);
  return out.join('') + '\n';
}

/** The line boundaries of Python's str.splitlines: \n \r \v \f \x1c-\x1e \x85 \u2028 \u2029 (and \r\n as one). */
const LINE_BREAKS = new Set([0x0a, 0x0d, 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]);

/** Python's str.splitlines(True): the line lists nbformat stores multi-line text as. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!LINE_BREAKS.has(code)) continue;
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

export interface JsonSyntaxError {
  line: number;
  column: number;
  what: string;
}

/** Where JSON text first breaks (1-based line and column) and what was expected there; null when it parses. */
export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (what: string): never => {
    throw Object.assign(new Error(what), { offset: i });
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail(`expected \`${word}\``);
      i++;
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('a string is not closed');
      const char = text[i] as string;
      if (char === '"') return void i++;
      if (char < ' ') fail('a raw control character (a line break?) inside a string');
      if (char === '\\') {
        i++;
        const escape = text[i] ?? '';
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('a bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(escape) || escape === '') fail('a bad escape in a string');
      }
      i++;
    }
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === undefined) fail('the text ends where a value was expected');
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!number) fail(`unexpected ${JSON.stringify(char)} where a value was expected`);
    i += (number as RegExpExecArray)[0].length;
  };
  const object = () => {
    i++;
    space();
    if (text[i] === '}') return void i++;
    for (;;) {
      space();
      if (text[i] !== '"') fail('expected a "quoted" property name');
      string();
      space();
      if (text[i] !== ':') fail("expected ':' after a property name");
      i++;
      value();
      space();
      if (text[i] === '}') return void i++;
      if (text[i] !== ',') fail("expected ',' or '}' after a property value");
      i++;
    }
  };
  const array = () => {
    i++;
    space();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      space();
      if (text[i] === ']') return void i++;
      if (text[i] !== ',') fail("expected ',' or ']' after an array element");
      i++;
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    space();
    if (i < text.length) fail('unexpected text after the end of the JSON');
    return null;
  } catch (error) {
    const offset = Math.min((error as { offset?: number }).offset ?? i, text.length);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return { line, column, what: (error as Error).message };
  }
}

/** Why this JSON is not an nbformat 4 notebook (the top-level shape only), or null. */
export function notebookProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'it is JSON but not a notebook (the top level is not an object)';
  const nb = value as Record<string, unknown>;
  if (nb.nbformat === undefined) return 'it is JSON but not a notebook (no "nbformat" field)';
  if (nb.nbformat !== 4) return `it is an nbformat ${JSON.stringify(nb.nbformat)} notebook; Lathe reads nbformat 4 (convert it with \`jupyter nbconvert --to notebook --nbformat 4\`)`;
  if (typeof nb.nbformat_minor !== 'number') return 'it has no numeric "nbformat_minor"';
  if (!Array.isArray(nb.cells)) return 'it has no "cells" list';
  if (nb.metadata === null || typeof nb.metadata !== 'object' || Array.isArray(nb.metadata)) return 'it has no "metadata" object';
  const bad = nb.cells.findIndex((cell) => cell === null || typeof cell !== 'object' || typeof (cell as Record<string, unknown>).cell_type !== 'string');
  if (bad >= 0) return `cell ${bad + 1} has no "cell_type"`;
  return null;
}

/** An empty nbformat 4.5 notebook for the python3 kernel, as Jupyter creates one. */
export function emptyNotebook(): Record<string, unknown> {
  return {
    cells: [],
    metadata: {
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
