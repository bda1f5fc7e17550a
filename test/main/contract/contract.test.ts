import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS } from '../../../main/contract/channels';
import { ERROR_CODES } from '../../../main/contract/result';
import { schemas } from '../../../main/contract/schemas';
import { createLathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';
import { EXAMPLES } from './examples';

describe('the contract', () => {
  it('has exactly one schema per channel and no schema without a channel', () => {
    expect(Object.keys(schemas).sort()).toEqual([...CHANNELS].sort());
  });

  it('names every channel and event domain.verb', () => {
    for (const name of [...CHANNELS, ...EVENTS]) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const name of EVENTS) expect(name).toMatch(/\.(changed|log)$/);
  });

  it('has a valid example request for every channel', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...CHANNELS].sort());
    for (const channel of CHANNELS) {
      const parsed = schemas[channel].safeParse(EXAMPLES[channel]);
      expect(parsed.success, `${channel}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
  });

  it('keeps the error-code union closed', () => {
    expect(ERROR_CODES).toEqual([
      'invalid-argument',
      'not-found',
      'conflict',
      'failed-precondition',
      'unavailable',
      'permission-denied',
      'internal',
    ]);
  });

  it('composes an app in which every channel has a handler', async () => {
    const lathe = await createLathe({ home: tmpDir(), background: false });
    try {
      expect(lathe.router.missingHandlers()).toEqual([]);
    } finally {
      await lathe.dispose();
    }
  });
});
