/**
 * Target tracking on SageMakerVariantInvocationsPerInstance as a pure function: how many workers a
 * variant should run, given its invocations per minute, its target per worker, its bounds and its
 * cooldowns. The autoscaler applies the answer.
 */

export interface ScalingInput {
  current: number;
  min: number;
  max: number;
  /** TargetValue: invocations per worker per minute; null when no policy is attached. */
  target: number | null;
  invocationsPerMinute: number;
  nowMs: number;
  lastScaleOutMs: number | null;
  lastScaleInMs: number | null;
  scaleOutCooldownS: number;
  scaleInCooldownS: number;
  disableScaleIn: boolean;
}

export interface ScalingDecision {
  desired: number;
  action: 'none' | 'scale-out' | 'scale-in' | 'clamp';
  reason: string;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

export function scalingDecision(input: ScalingInput): ScalingDecision {
  const { current, min, max } = input;
  if (current < min || current > max) return { desired: clamp(current, min, max), action: 'clamp', reason: `${current} workers is outside the target's bounds [${min}, ${max}]` };
  if (input.target === null || input.target <= 0) return { desired: current, action: 'none', reason: 'no scaling policy' };
  const want = clamp(input.invocationsPerMinute <= 0 ? min : Math.ceil(input.invocationsPerMinute / input.target), min, max);
  const rate = `${input.invocationsPerMinute.toFixed(0)} invocations/min against a target of ${input.target} per worker`;
  if (want > current) {
    const since = input.lastScaleOutMs === null ? Infinity : (input.nowMs - input.lastScaleOutMs) / 1000;
    if (since < input.scaleOutCooldownS) return { desired: current, action: 'none', reason: `scale-out cooldown (${input.scaleOutCooldownS} s) holds ${current} workers; ${rate} wants ${want}` };
    return { desired: want, action: 'scale-out', reason: `${rate} wants ${want} workers` };
  }
  if (want < current) {
    if (input.disableScaleIn) return { desired: current, action: 'none', reason: 'scale-in is disabled by the policy' };
    // Scale in only once things are calm: the scale-in cooldown counts from the last change either way.
    const last = Math.max(input.lastScaleInMs ?? -Infinity, input.lastScaleOutMs ?? -Infinity);
    const since = (input.nowMs - last) / 1000;
    if (since < input.scaleInCooldownS) return { desired: current, action: 'none', reason: `scale-in cooldown (${input.scaleInCooldownS} s) holds ${current} workers; ${rate} wants ${want}` };
    return { desired: want, action: 'scale-in', reason: `${rate} wants ${want} workers` };
  }
  return { desired: current, action: 'none', reason: `${rate} is met by ${current} workers` };
}
