import { describe, expect, it } from 'vitest';
import { DisposableStore, toDisposable } from '../../../main/util/disposable';

describe('DisposableStore', () => {
  it('disposes in reverse order of registration, once, even when one of them fails', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('store')));
    store.add(
      toDisposable(() => {
        order.push('server');
        throw new Error('port stuck');
      }),
    );
    store.add(toDisposable(async () => void order.push('sampler')));
    await expect(store.dispose()).rejects.toThrow('some resources failed to dispose');
    await store.dispose();
    expect(order).toEqual(['sampler', 'server', 'store']);
  });

  it('disposes at once what is added after it was disposed', async () => {
    const store = new DisposableStore();
    await store.dispose();
    let disposed = false;
    store.add(toDisposable(() => void (disposed = true)));
    expect(disposed).toBe(true);
  });
});
