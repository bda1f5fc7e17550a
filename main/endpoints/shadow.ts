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

/** Numbers of a CSV or JSON answer, flattened; null when it is not all numbers. */
function numbersOf(body: string): number[] | null {
  const text = body.trim();
  let values: unknown[];
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      values = JSON.stringify(JSON.parse(text)).match(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g) ?? [];
    } catch {
      return null;
    }
  } else values = text.split(/[\s,]+/).filter(Boolean);
  const numbers = values.map(Number);
  return numbers.length > 0 && numbers.every(Number.isFinite) ? numbers : null;
}

/** Whether the shadow's answer matches production's: the same bytes, or numbers within 1e-9. */
export function compareAnswers(production: string, shadow: string): ShadowComparison {
  const a = numbersOf(production);
  const b = numbersOf(shadow);
  if (a && b && a.length === b.length) {
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
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

  constructor(readonly variant: string) {}

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
      Matches: this.matches,
      Mismatches: this.mismatches,
      MeanAbsDifference: this.diffCount > 0 ? this.diffSum / this.diffCount : null,
      RecentMismatches: this.recent,
    };
  }
}
