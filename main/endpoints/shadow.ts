/**
 * Shadow variants: each request a production variant answers is also sent to the shadow variant,
 * whose answer is compared with the production one and recorded, never returned.
 */
import type { ShadowReport } from '../contract/endpoints';

export interface ShadowComparison {
  match: boolean;
  /** For numeric answers of the same shape: the largest absolute difference. */
  maxAbsDifference: number | null;
}

/** Numbers of a CSV answer, flattened; null when it is not all numbers. */
function csvNumbers(text: string): number[] | null {
  const values = text.trim().split(/[\s,]+/).filter(Boolean).map(Number);
  return values.length > 0 && values.every(Number.isFinite) ? values : null;
}

/**
 * The largest difference between two JSON values of the same structure (numbers compared by value,
 * everything else exactly), or null when their structure or any non-number differs.
 */
function jsonDifference(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return null;
    let max = 0;
    for (let i = 0; i < a.length; i++) {
      const d = jsonDifference(a[i], b[i]);
      if (d === null) return null;
      max = Math.max(max, d);
    }
    return max;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return null;
    let max = 0;
    for (const key of keys) {
      if (!(key in b)) return null;
      const d = jsonDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
      if (d === null) return null;
      max = Math.max(max, d);
    }
    return max;
  }
  return a === b ? 0 : null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Whether the shadow's answer matches production's: the same structure with numbers within 1e-9, else the same text. */
export function compareAnswers(production: string, shadow: string): ShadowComparison {
  const a = parseJson(production);
  const b = parseJson(shadow);
  if (a.ok && b.ok && typeof a.value === 'object' && a.value !== null) {
    const diff = jsonDifference(a.value, b.value);
    return diff === null ? { match: false, maxAbsDifference: null } : { match: diff <= 1e-9, maxAbsDifference: diff };
  }
  const x = csvNumbers(production);
  const y = csvNumbers(shadow);
  if (x && y && x.length === y.length) {
    const diff = Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
    return { match: diff <= 1e-9, maxAbsDifference: diff };
  }
  return { match: production === shadow, maxAbsDifference: null };
}

export type { ShadowReport };

export class ShadowStats {
  private invocations = 0;
  private errors = 0;
  private matches = 0;
  private mismatches = 0;
  private diffSum = 0;
  private diffCount = 0;
  private recent: ShadowReport['RecentMismatches'] = [];
  private skipped = 0;
  /** Shadow calls under way (invocation.ts caps them). */
  inFlight = 0;

  constructor(readonly variant: string) {}

  /** A copy not sent because too many were already waiting on the shadow. */
  dropped(): void {
    this.skipped++;
  }

  error(): void {
    this.invocations++;
    this.errors++;
  }

  compared(request: string, production: string, shadow: string, at = new Date()): void {
    this.invocations++;
    const result = compareAnswers(production, shadow);
    if (result.maxAbsDifference !== null) {
      this.diffSum += result.maxAbsDifference;
      this.diffCount++;
    }
    if (result.match) this.matches++;
    else {
      this.mismatches++;
      this.recent.unshift({ Time: at.toISOString(), Request: request.slice(0, 500), Production: production.slice(0, 500), Shadow: shadow.slice(0, 500) });
      this.recent.splice(10);
    }
  }

  report(): ShadowReport {
    return {
      VariantName: this.variant,
      Invocations: this.invocations,
      Errors: this.errors,
      Dropped: this.skipped,
      Matches: this.matches,
      Mismatches: this.mismatches,
      MeanAbsDifference: this.diffCount > 0 ? this.diffSum / this.diffCount : null,
      RecentMismatches: this.recent,
    };
  }
}
