/**
 * One endpoint config running: a worker pool per production variant, and how a request picks its
 * variant (X-Amzn-SageMaker-Target-Variant, else by weight).
 */
import { SageMakerError } from '../compat/errors';
import type { VariantSummary } from '../contract/endpoints';
import type { Logger } from '../log/logger';
import type { CaptureSettings } from './dataCapture';
import { VariantPool, type WorkerLaunch } from './workerPool';

export interface VariantPlan {
  name: string;
  weight: number;
  count: number;
  image: string;
  launch: WorkerLaunch;
}

/**
 * The variant a request goes to: the one it names, else one drawn by weight (`draw` in [0, 1)).
 * Variants of weight 0 get only requests that name them.
 */
export function pickVariant<T extends { name: string; weight: number }>(variants: readonly T[], target: string | undefined, draw: number): T {
  if (target !== undefined) {
    const named = variants.find((v) => v.name === target);
    if (!named) throw new SageMakerError('ValidationError', `Target variant ${target} is not a variant of this endpoint; its variants are ${variants.map((v) => v.name).join(', ')}.`, 400);
    return named;
  }
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let left = draw * total;
  for (const variant of variants) {
    if (variant.weight <= 0) continue;
    if (left < variant.weight) return variant;
    left -= variant.weight;
  }
  return variants.filter((v) => v.weight > 0).at(-1) ?? variants[0]!;
}

type Running = { name: string; weight: number; image: string; pool: VariantPool };

export class Deployment {
  readonly variants: Running[];
  /** Shadow variants: a copy of the traffic, answers compared and never returned. */
  readonly shadows: Running[];
  private readonly startedAt = new Date().toISOString();

  constructor(
    readonly configName: string,
    plans: readonly VariantPlan[],
    logger: Logger,
    /** What of its traffic the endpoint captures, if anything. */
    readonly capture: CaptureSettings | null = null,
    shadowPlans: readonly VariantPlan[] = [],
  ) {
    const run = (plan: VariantPlan): Running => ({ name: plan.name, weight: plan.weight, image: plan.image, pool: new VariantPool(plan.name, plan.launch, plan.count, logger.child(plan.name)) });
    this.variants = plans.map(run);
    this.shadows = shadowPlans.map(run);
  }

  private get all(): Running[] {
    return [...this.variants, ...this.shadows];
  }

  /** Every variant's workers ready, or all stopped and the reason thrown. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.all.map((v) => v.pool.start()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) {
      await this.stop(0);
      throw new Error(failed.join('; '));
    }
  }

  pick(target: string | undefined): { name: string; pool: VariantPool } {
    return pickVariant(this.variants, target, Math.random());
  }

  async stop(drainMs: number): Promise<void> {
    await Promise.all(this.all.map((v) => v.pool.stop(drainMs)));
  }

  summaries(shadows = false): VariantSummary[] {
    return (shadows ? this.shadows : this.variants).map((v) => ({
      VariantName: v.name,
      CurrentWeight: v.weight,
      DesiredWeight: v.weight,
      CurrentInstanceCount: v.pool.readyCount,
      DesiredInstanceCount: v.pool.desiredCount,
      DeployedImages: [{ SpecifiedImage: v.image, ResolvedImage: v.image, ResolutionTime: this.startedAt }],
    }));
  }
}
