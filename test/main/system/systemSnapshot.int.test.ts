import { describe, expect, it } from 'vitest';
import { createLathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';

describe('system snapshot across restarts', () => {
  it('shows the previous run\'s probe at once on the next start, then the fresh one', async () => {
    const home = tmpDir();
    const env = { ...process.env, LATHE_PYTHON: '/usr/bin/python3' };
    const first = await createLathe({ home, env, background: false });
    const probed = await first.router.invoke('system.info', {});
    expect(probed.fromSnapshot).toBe(false);
    expect(probed.python.selected).toBe('/usr/bin/python3');
    await first.dispose();

    const second = await createLathe({ home, env, background: false });
    const early = await second.router.invoke('system.info', {});
    expect(early).toMatchObject({ fromSnapshot: true, probedAt: probed.probedAt });
    expect(early.python.selected).toBe('/usr/bin/python3');
    const fresh = await second.router.invoke('system.info', { refresh: true });
    expect(fresh.fromSnapshot).toBe(false);
    expect(fresh.python.envs.map((e) => e.path)).toEqual(probed.python.envs.map((e) => e.path));
    await second.dispose();
  });
});
