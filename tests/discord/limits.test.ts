import { describe, expect, it } from 'vitest';
import { QuestionLimits } from '../../src/discord/limits.js';

function limitsAt(start = 0, options: { cooldownMs?: number; max?: number; users?: number } = {}) {
  let now = start;
  const limits = new QuestionLimits({
    cooldownMs: options.cooldownMs ?? 5_000,
    maxConcurrentPerGuild: options.max ?? 2,
    clock: () => now,
    maxTrackedUsers: options.users,
  });
  return { limits, advance: (ms: number) => (now += ms) };
}

describe('QuestionLimits', () => {
  it('lets a user ask, then holds them for the cooldown with the time left', () => {
    const { limits, advance } = limitsAt();
    const first = limits.tryAcquire('u1', 'g1');
    expect(first.ok).toBe(true);
    advance(2_000);
    expect(limits.tryAcquire('u1', 'g1')).toEqual({
      ok: false,
      reason: 'cooldown',
      retryAfterMs: 3_000,
    });
    advance(3_000);
    expect(limits.tryAcquire('u1', 'g1').ok).toBe(true);
  });

  it('caps concurrent questions per guild and frees a slot on release', () => {
    const { limits } = limitsAt();
    const a = limits.tryAcquire('a', 'g1');
    const b = limits.tryAcquire('b', 'g1');
    expect(limits.tryAcquire('c', 'g1')).toEqual({ ok: false, reason: 'guild-busy' });
    expect(limits.tryAcquire('d', 'g2').ok).toBe(true);
    if (a.ok) a.release();
    expect(limits.tryAcquire('e', 'g1').ok).toBe(true);
    expect(b.ok).toBe(true);
  });

  it('counts a double release once', () => {
    const { limits } = limitsAt();
    const a = limits.tryAcquire('a', 'g1');
    limits.tryAcquire('b', 'g1');
    if (a.ok) {
      a.release();
      a.release();
    }
    expect(limits.activeIn('g1')).toBe(1);
  });

  it('does not start a cooldown for a question refused by the guild cap', () => {
    const { limits } = limitsAt(0, { max: 1 });
    limits.tryAcquire('a', 'g1');
    expect(limits.tryAcquire('b', 'g1').ok).toBe(false);
    expect(limits.tryAcquire('b', 'g2').ok).toBe(true);
  });

  it('keeps a flooding user limited while others in another guild still get answers', () => {
    const { limits, advance } = limitsAt(0, { cooldownMs: 1_000, max: 4 });
    let granted = 0;
    for (let i = 0; i < 1_000; i++) {
      const d = limits.tryAcquire('flooder', 'g1');
      if (d.ok) {
        granted += 1;
        d.release();
      }
      advance(10);
    }
    expect(granted).toBe(10);
    expect(limits.tryAcquire('someone-else', 'g2').ok).toBe(true);
  });

  it('bounds memory when a flood of distinct users arrives', () => {
    const { limits } = limitsAt(0, { users: 100 });
    for (let i = 0; i < 1_000; i++) {
      const d = limits.tryAcquire(`user${i}`, undefined);
      if (d.ok) d.release();
    }
    expect(
      (limits as unknown as { lastAsked: Map<string, number> }).lastAsked.size,
    ).toBeLessThanOrEqual(100);
  });

  it('does not cap questions asked in DMs by the guild limit', () => {
    const { limits } = limitsAt(0, { max: 1 });
    expect(limits.tryAcquire('a', null).ok).toBe(true);
    expect(limits.tryAcquire('b', null).ok).toBe(true);
  });
});
