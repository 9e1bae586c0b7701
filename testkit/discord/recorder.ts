/**
 * What the stand-in saw (every REST request and gateway event, in order) and the waits tests make
 * on it: a wait resolves with the first record that matches, or fails listing what did arrive.
 */
import type { GatewayRecord, RecordedRequest } from './types.ts';
import type { World } from './world.ts';

/** Recording and waiting for one stand-in. */
export function createRecorder(world: World) {
  const { state } = world;

  const requests: RecordedRequest[] = [];
  const unknownRoutes: RecordedRequest[] = [];
  const gatewayLog: GatewayRecord[] = [];
  type Waiter<T> = {
    test: (item: T) => boolean;
    from: number;
    resolve: (item: T) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  };
  const requestWaiters = new Set<Waiter<RecordedRequest>>();
  const gatewayWaiters = new Set<Waiter<GatewayRecord>>();

  function describeRequest(r: RecordedRequest): string {
    const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body).slice(0, 160)}`;
    return `${r.method} ${r.path} → ${r.status}${r.fault ? ` (fault ${r.fault})` : ''}${body}`;
  }
  function describeGateway(r: GatewayRecord): string {
    return `#${r.connection} ${r.type}${r.event ? ` ${r.event}` : ''}${r.code !== undefined ? ` ${r.code}` : ''}${r.seq !== undefined ? ` s=${r.seq}` : ''}`;
  }

  function waitFor<T>(
    list: T[],
    waiters: Set<Waiter<T>>,
    test: (item: T) => boolean,
    description: string,
    timeoutMs: number,
    from: number,
    describe: (item: T) => string,
  ): Promise<T> {
    const found = list.slice(from).find(test);
    if (found) return Promise.resolve(found);
    if (state.closed)
      return Promise.reject(
        new Error(`discord-standin is state.closed; was waiting for ${description}`),
      );
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        test,
        from,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          const seen = list.slice(from).map((item) => `  ${describe(item)}`);
          reject(
            new Error(
              `discord-standin: nothing matched ${description} within ${timeoutMs} ms. Received ${seen.length}:\n${seen.join('\n') || '  (nothing)'}`,
            ),
          );
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }
  function notify<T>(list: T[], waiters: Set<Waiter<T>>, item: T): void {
    const index = list.length - 1;
    for (const waiter of waiters) {
      if (index >= waiter.from && waiter.test(item)) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve(item);
      }
    }
  }
  function logGateway(record: Omit<GatewayRecord, 'time'>): void {
    const full = { ...record, time: Date.now() };
    gatewayLog.push(full);
    notify(gatewayLog, gatewayWaiters, full);
  }
  return {
    requests,
    unknownRoutes,
    gatewayLog,
    requestWaiters,
    gatewayWaiters,
    waitFor,
    notify,
    logGateway,
    describeRequest,
    describeGateway,
  };
}
export type Recorder = ReturnType<typeof createRecorder>;
