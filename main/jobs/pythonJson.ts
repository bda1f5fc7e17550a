/**
 * `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`, the form the training
 * toolkit gives non-string SM_* values (sagemaker-contracts.md §1.5).
 *
 * Limits of starting from JavaScript values: a float written as `1.0` arrived as the number 1 and
 * prints as `1` (Python prints `1.0`), and very large or small numbers use JavaScript's exponent
 * rules. Everything else matches byte for byte.
 */

/** Compare strings by Unicode code point, as Python's sorted() does (JS sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function dump(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return 'null';
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return dump(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map(dump).join(',')}]`;
  // Built by hand: an object rebuilt in sorted order would still put integer-like keys first.
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
    .sort(([a], [b]) => compareCodePoints(a, b));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${dump(item)}`).join(',')}}`;
}

export function pythonJsonDumps(value: unknown): string {
  // ensure_ascii: everything outside printable ASCII becomes \uXXXX (lowercase hex, UTF-16 units).
  // JSON.stringify has already escaped the control characters the same way Python does.
  return dump(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
