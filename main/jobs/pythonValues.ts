/**
 * Python's view of JSON values, for the training toolkit's rules (sagemaker-contracts.md §1.4):
 * hyperparameters are `json.loads`-ed and turned into argv with Python's `str()`. JSON numbers keep
 * whether they were written as ints or floats ("1" → 1, "1.0" → 1.0), as Python does.
 */
export type PyValue =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: Array<[string, PyValue]> };

const INT = /^-?(0|[1-9]\d*)$/;
const NUMBER_AT = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class NotJson extends Error {}

/** A JSON reader that keeps what JSON.parse loses for Python: whether a number was an int. */
class PyJsonReader {
  private at = 0;
  constructor(private readonly text: string) {}

  read(): PyValue {
    const value = this.value();
    this.space();
    if (this.at !== this.text.length) throw new NotJson();
    return value;
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  private value(): PyValue {
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return { kind: 'str', value: this.string() };
    const words: Array<[string, PyValue]> = [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', { kind: 'none' }],
      // Python's json module also reads these.
      ['NaN', { kind: 'float', value: Number.NaN }],
      ['Infinity', { kind: 'float', value: Number.POSITIVE_INFINITY }],
      ['-Infinity', { kind: 'float', value: Number.NEGATIVE_INFINITY }],
    ];
    for (const [word, value] of words) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER_AT.lastIndex = this.at;
    const match = NUMBER_AT.exec(this.text);
    if (!match) throw new NotJson();
    this.at += match[0].length;
    return INT.test(match[0]) ? { kind: 'int', value: BigInt(match[0]) } : { kind: 'float', value: Number(match[0]) };
  }

  private string(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
    if (this.at >= this.text.length) throw new NotJson();
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  private list<T>(close: string, item: () => T): T[] {
    this.at++;
    const items: T[] = [];
    this.space();
    if (this.text[this.at] === close) {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(item());
      this.space();
      const next = this.text[this.at++];
      if (next === close) return items;
      if (next !== ',') throw new NotJson();
    }
  }

  private array(): PyValue {
    return { kind: 'list', items: this.list(']', () => this.value()) };
  }

  private object(): PyValue {
    const entries = this.list('}', (): [string, PyValue] => {
      this.space();
      if (this.text[this.at] !== '"') throw new NotJson();
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ':') throw new NotJson();
      return [key, this.value()];
    });
    // Python dicts keep the last value of a repeated key, in first-seen position.
    const merged = new Map<string, PyValue>();
    for (const [key, value] of entries) merged.set(key, value);
    return { kind: 'dict', entries: [...merged] };
  }
}

/** `json.loads(text)`, falling back to the raw string when it is not JSON (the toolkit's rule). */
export function pyLoads(text: string): PyValue {
  try {
    return new PyJsonReader(text).read();
  } catch (error) {
    if (error instanceof NotJson || error instanceof SyntaxError) return { kind: 'str', value: text };
    throw error;
  }
}

/** Python's repr() of a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exp = '0'] = value.toExponential().split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('-', '').replace('.', '');
  const negative = value < 0 ? '-' : '';
  const point = exponent + 1;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = `${digits}${'0'.repeat(point - digits.length)}.0`;
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative + text;
}

function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

export function pyRepr(value: PyValue): string {
  switch (value.kind) {
    case 'str':
      return pyStrRepr(value.value);
    case 'list':
      return `[${value.items.map(pyRepr).join(', ')}]`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
    default:
      return pyStr(value);
  }
}

/** Python's str(). */
export function pyStr(value: PyValue): string {
  switch (value.kind) {
    case 'int':
      return value.value.toString();
    case 'float':
      return pyFloatRepr(value.value);
    case 'str':
      return value.value;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return pyRepr(value);
  }
}

/** Back to a plain JSON value (for SM_HPS / SM_HP_*). */
export function toJsonValue(value: PyValue): unknown {
  switch (value.kind) {
    case 'int':
      return Number(value.value);
    case 'float':
    case 'str':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    case 'list':
      return value.items.map(toJsonValue);
    case 'dict':
      return Object.fromEntries(value.entries.map(([k, v]) => [k, toJsonValue(v)]));
  }
}
