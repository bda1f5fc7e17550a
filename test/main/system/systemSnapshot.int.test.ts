import { describe, expect, it } from 'vitest';
import { createLathe } from '../../../main/app';
import type { SystemInfo } from '../../../main/contract/model';
import { tmpDir } from '../../helpers/tmp';

describe('system snapshot across restarts', () => {
  it("shows the previous run's probe at once on the next start, then replaces it with a fresh one", async () => {
    const home = tmpDir();
    const env = { ...process.env, LATHE_PYTHON: '/usr/bin/python3' };
    const first = await createLathe({ home, env, background: false });
    const probed = await first.router.invoke('system.info', {});
    expect(probed.fromSnapshot).toBe(false);
    expect(probed.python.selected).toBe('/usr/bin/python3');
    await first.dispose();

    const second = await createLathe({ home, env });
    try {
      const fresh = new Promise<SystemInfo>((resolve) =>
        second.bus.onEvent((name, payload) => {
          if (name === 'system.changed' && !(payload as SystemInfo).fromSnapshot) resolve(payload as SystemInfo);
        }),
      );
      const early = await second.router.invoke('system.info', {});
      expect(early).toMatchObject({ fromSnapshot: true, probedAt: probed.probedAt });
      expect(early.python.selected).toBe('/usr/bin/python3');
      const pushed = await fresh;
      expect(pushed.probedAt).not.toBe(probed.probedAt);
      expect(pushed.python.envs.map((e) => e.path)).toEqual(probed.python.envs.map((e) => e.path));
      expect((await second.router.invoke('system.info', {})).fromSnapshot).toBe(false);
    } finally {
      await second.dispose();
    }
  });
});
