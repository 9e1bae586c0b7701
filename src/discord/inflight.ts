/**
 * Tracks work in progress (answers, button presses, a re-index) so that shutdown can let it
 * finish before the client goes away.
 */
export class InFlight {
  private readonly tasks = new Set<Promise<unknown>>();

  /** Runs `task` and tracks it until it settles; returns its promise. */
  track<T>(task: Promise<T>): Promise<T> {
    this.tasks.add(task);
    const forget = () => this.tasks.delete(task);
    task.then(forget, forget);
    return task;
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Waits until nothing is in flight, or `timeoutMs` elapsed; true when everything finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tasks.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.allSettled([...this.tasks]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}
