import { describe, expect, it } from 'vitest';
import { scalingDecision, type ScalingInput } from '../../../main/endpoints/scalingPolicy';

/** The seed POC's policy: 1 to 10 workers, 500 invocations per worker per minute, 60 s out, 300 s in. */
const seed: ScalingInput = { current: 1, min: 1, max: 10, target: 500, invocationsPerMinute: 0, nowMs: 1_000_000, lastScaleOutMs: null, lastScaleInMs: null, scaleOutCooldownS: 60, scaleInCooldownS: 300, disableScaleIn: false };

describe('target tracking on invocations per worker', () => {
  it.each<[string, Partial<ScalingInput>, number, string]>([
    ['idle at the minimum stays', {}, 1, 'none'],
    ['exactly on target stays', { invocationsPerMinute: 500 }, 1, 'none'],
    ['just over target adds a worker', { invocationsPerMinute: 501 }, 2, 'scale-out'],
    ['heavy load goes straight to what it needs', { invocationsPerMinute: 3200 }, 7, 'scale-out'],
    ['more than the maximum can serve stops at the maximum', { invocationsPerMinute: 1e6 }, 10, 'scale-out'],
    ['a scale-out inside its cooldown waits', { invocationsPerMinute: 3200, lastScaleOutMs: 1_000_000 - 59_000 }, 1, 'none'],
    ['a scale-out after its cooldown goes', { invocationsPerMinute: 3200, lastScaleOutMs: 1_000_000 - 60_000 }, 7, 'scale-out'],
    ['load gone scales in to the minimum', { current: 7 }, 1, 'scale-in'],
    ['less load scales in to what it needs', { current: 7, invocationsPerMinute: 900 }, 2, 'scale-in'],
    ['a scale-in inside its cooldown waits', { current: 7, lastScaleInMs: 1_000_000 - 299_000 }, 7, 'none'],
    ['a recent scale-out also holds a scale-in', { current: 7, lastScaleOutMs: 1_000_000 - 100_000 }, 7, 'none'],
    ['scale-in disabled holds', { current: 7, disableScaleIn: true }, 7, 'none'],
    ['no policy holds', { current: 3, target: null, invocationsPerMinute: 1e6 }, 3, 'none'],
    ['below the bounds is clamped up at once', { current: 0, min: 2 }, 2, 'clamp'],
    ['above the bounds is clamped down at once', { current: 12, lastScaleInMs: 1_000_000 }, 10, 'clamp'],
    ['a minimum of 0 scales to zero when idle', { current: 1, min: 0 }, 0, 'scale-in'],
    ['from zero, the first request wakes one worker', { current: 0, min: 0, invocationsPerMinute: 1 }, 1, 'scale-out'],
  ])('%s', (_name, change, desired, action) => {
    const decision = scalingDecision({ ...seed, ...change });
    expect([decision.desired, decision.action]).toEqual([desired, action]);
    expect(decision.reason).not.toBe('');
  });

  it('says why it holds, in words a person can act on', () => {
    expect(scalingDecision({ ...seed, invocationsPerMinute: 3200, lastScaleOutMs: 1_000_000 - 10_000 }).reason).toBe('scale-out cooldown (60 s) holds 1 workers; 3200 invocations/min against a target of 500 per worker wants 7');
  });
});
