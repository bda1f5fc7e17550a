import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../main/contract/channels';
import { schemas } from '../../../main/contract/schemas';
import { Router } from '../../../main/api/router';
import { LatheFault } from '../../../main/api/errors';
import { createLogger, LogSink } from '../../../main/log/logger';
import { createLathe } from '../../../main/app';
import { seededRandom } from '../../helpers/random';
import { tmpDir } from '../../helpers/tmp';
import { EXAMPLES } from '../contract/examples';
import { malform } from './malformed';

describe('router', () => {
  it('answers a handler failure as its code and an unexpected exception as internal, logging the stack', async () => {
    const sink = new LogSink();
    const router = new Router(createLogger('router', sink));
    router.handle('settings.get', () => {
      throw new LatheFault('not-found', 'no such setting');
    });
    router.handle('app.info', () => {
      throw new TypeError('boom at depth');
    });
    expect(await router.call('settings.get', {})).toEqual({ ok: false, error: { code: 'not-found', message: 'no such setting' } });
    const crashed = await router.call('app.info', {});
    expect(crashed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(sink.lines.join('\n')).toContain('TypeError: boom at depth');
  });

  it('refuses unknown channels and channels without a handler with typed errors', async () => {
    const router = new Router(createLogger('router'));
    expect(await router.call('nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await router.call('system.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(router.missingHandlers()).toEqual([...CHANNELS]);
  });

  it('answers 200 malformed payloads per channel with invalid-argument naming the field, and keeps serving', async () => {
    const lathe = await createLathe({ home: tmpDir(), background: false });
    try {
      let checked = 0;
      for (const [c, channel] of CHANNELS.entries()) {
        const random = seededRandom(1000 + c);
        let made = 0;
        let attempts = 0;
        while (made < 200) {
          attempts++;
          expect(attempts, `${channel}: could not make enough malformed payloads`).toBeLessThan(2000);
          const bad = malform(EXAMPLES[channel], random, attempts);
          // Some mutations are still valid (a nullable field set to null): those are not malformed.
          if (schemas[channel].safeParse(bad.payload).success) continue;
          made++;
          const result = await lathe.router.call(channel, bad.payload, { transport: 'internal', actor: 'fuzz' });
          expect(result.ok, `${channel} accepted ${JSON.stringify(bad.payload)}`).toBe(false);
          if (result.ok) continue;
          expect(result.error.code).toBe('invalid-argument');
          expect(result.error.message, `${bad.kind} of ${JSON.stringify(bad.payload).slice(0, 200)}`).toContain(bad.field);
          checked++;
        }
      }
      expect(checked).toBe(200 * CHANNELS.length);
      const info = await lathe.router.call('app.info', {});
      expect(info).toMatchObject({ ok: true, value: { name: 'Lathe' } });
    } finally {
      await lathe.dispose();
    }
  });
});
