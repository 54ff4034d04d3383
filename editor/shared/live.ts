/**
 * Live updates by polling: calls `tick` every `intervalMs` while the tab is visible, at
 * once when it becomes visible again, never two at a time. The pages compare the answer
 * with what they show and re-render only on change. (Chosen over server-sent events:
 * no long-lived connections through proxies, works on every node of a cluster without a
 * shared event bus; the cost is up to one interval of delay, see README.)
 */
export class LivePoller {
  private timer: number | undefined;
  private running = false;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
  ) {}

  start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') void this.run();
  };

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.run(), this.intervalMs);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    if (document.visibilityState === 'hidden') return this.schedule();
    this.running = true;
    try {
      await this.tick();
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
