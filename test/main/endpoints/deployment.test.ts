import { describe, expect, it } from 'vitest';
import { SageMakerError } from '../../../main/compat/errors';
import { pickVariant } from '../../../main/endpoints/deployment';

const variants = [
  { name: 'Blue', weight: 3 },
  { name: 'Green', weight: 1 },
  { name: 'Shadowless', weight: 0 },
];

describe('picking a variant', () => {
  it.each([
    [0, 'Blue'],
    [0.74, 'Blue'],
    [0.75, 'Green'],
    [0.999, 'Green'],
  ])('draws by weight: %s → %s', (draw, name) => {
    expect(pickVariant(variants, undefined, draw).name).toBe(name);
  });

  it('sends a request that names a variant there, weight 0 included', () => {
    expect(pickVariant(variants, 'Shadowless', 0.1).name).toBe('Shadowless');
    expect(pickVariant(variants, 'Green', 0).name).toBe('Green');
  });

  it('refuses a variant the endpoint does not have, naming the ones it has', () => {
    expect(() => pickVariant(variants, 'Red', 0)).toThrow(SageMakerError);
    expect(() => pickVariant(variants, 'Red', 0)).toThrow('Target variant Red is not a variant of this endpoint; its variants are Blue, Green, Shadowless.');
  });

  it('spreads draws in proportion to the weights', () => {
    const counts = { Blue: 0, Green: 0, Shadowless: 0 };
    for (let i = 0; i < 1000; i++) counts[pickVariant(variants, undefined, i / 1000).name as keyof typeof counts]++;
    expect(counts).toEqual({ Blue: 750, Green: 250, Shadowless: 0 });
  });
});
