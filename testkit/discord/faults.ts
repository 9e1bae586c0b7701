/**
 * Faults a test injects: the next matching request answered 429 or 5xx, interaction callbacks
 * refused, or a request held back before it is handled.
 */
import { ApiError, compileMatcher } from './rules.ts';
import type { Fault, RecordedRequest, StandInFaults } from './types.ts';
import type { World } from './world.ts';

/** The fault queue of one stand-in and the API tests use to fill it. */
export function createFaults(world: World) {
  const faults: Fault[] = [];

  function takeFault(record: RecordedRequest, isCallback: boolean): Fault | undefined {
    const index = faults.findIndex((f) =>
      f.kind === 'interaction-callback' ? isCallback : f.matches(record),
    );
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if (--fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        world.timers.delete(timer);
        resolve();
      }, ms);
      world.timers.add(timer);
    });
  }

  /** Waits out delays, then throws the error a queued fault answers `record` with, if any. */
  async function applyFaults(record: RecordedRequest, isCallback: boolean): Promise<void> {
    let fault = takeFault(record, isCallback);
    while (fault?.kind === 'delay') {
      record.fault = 'delay';
      await sleep(fault.ms ?? 0);
      fault = takeFault(record, isCallback);
    }
    if (fault) {
      record.fault = fault.kind;
      if (fault.kind === '429') {
        const seconds = fault.retryAfterSec ?? 1;
        throw new ApiError(429, 0, 'You are being rate limited.', undefined, {
          'retry-after': String(seconds),
          'x-ratelimit-scope': fault.global ? 'global' : 'user',
          ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
        });
      }
      if (fault.kind === '5xx')
        throw new ApiError(fault.status, 0, `${fault.status}: Internal Server Error`);
      throw new ApiError(fault.status, fault.code ?? 10062, fault.message ?? 'Unknown interaction');
    }
  }

  const faultApi: StandInFaults = {
    rest429Once(matcher, retryAfterSec, faultOptions = {}) {
      faults.push({
        kind: '429',
        matches: compileMatcher(matcher),
        remaining: 1,
        status: 429,
        retryAfterSec,
        global: faultOptions.global ?? false,
      });
    },
    rest500(matcher, times, status = 500) {
      faults.push({ kind: '5xx', matches: compileMatcher(matcher), remaining: times, status });
    },
    failInteractionCallback(times, faultOptions = {}) {
      faults.push({
        kind: 'interaction-callback',
        matches: () => true,
        remaining: times,
        status: faultOptions.status ?? 404,
        code: faultOptions.code ?? 10062,
        message: faultOptions.message ?? 'Unknown interaction',
      });
    },
    delay(matcher, ms, times = 1) {
      faults.push({
        kind: 'delay',
        matches: compileMatcher(matcher),
        remaining: times,
        status: 0,
        ms,
      });
    },
    clear() {
      faults.length = 0;
    },
  };

  return { applyFaults, api: faultApi };
}

export type Faults = ReturnType<typeof createFaults>;
