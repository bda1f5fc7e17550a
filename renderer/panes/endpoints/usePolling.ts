import { useEffect } from 'react';

/**
 * Calls `load(key)` now and every `intervalMs` while the component is mounted and the window is
 * visible: hiding the window stops the timer, showing it again loads at once and restarts it.
 */
export function usePolling(load: (key: string) => unknown, key: string, intervalMs: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const start = () => {
      if (timer !== null || document.visibilityState === 'hidden') return;
      void load(key);
      timer = setInterval(() => void load(key), intervalMs);
    };
    const onVisibility = () => (document.visibilityState === 'hidden' ? stop() : start());
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load, key, intervalMs]);
}
