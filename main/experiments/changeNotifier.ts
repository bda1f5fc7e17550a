/**
 * Coalesces "this experiment changed" into at most one call per key per interval: the first
 * change is told at once, later ones within the interval once at its end. A training job logging
 * a point per round, or a script a million points, costs the renderer one reload a second.
 */
export class ChangeNotifier {
  private readonly last = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly tell: (key: string) => void,
    private readonly intervalMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  changed(key: string): void {
    if (this.timers.has(key)) return;
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - this.clock();
    if (wait <= 0) {
      this.fire(key);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.fire(key);
    }, wait);
    timer.unref();
    this.timers.set(key, timer);
  }

  private fire(key: string): void {
    this.last.set(key, this.clock());
    this.tell(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
