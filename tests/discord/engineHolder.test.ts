import { describe, expect, it } from 'vitest';
import { EngineHolder, NoIndexError } from '../../src/discord/engineHolder.js';
import type { Engine } from '../../src/rag/engine.js';

const engine = (builtAt: string) => ({ manifest: { builtAt } }) as unknown as Engine;

describe('EngineHolder', () => {
  it('tells users the story is not indexed yet when there is no engine', () => {
    const holder = new EngineHolder();
    expect(holder.peek()).toBeUndefined();
    expect(() => holder.current()).toThrow(NoIndexError);
    expect(() => holder.current()).toThrow(/\/reindex/);
  });

  it('swaps engines atomically, leaving the old one to whoever already holds it', () => {
    const first = engine('1');
    const holder = new EngineHolder(first);
    const inUse = holder.current();
    const replaced = holder.swap(engine('2'));
    expect(replaced).toBe(first);
    expect(inUse).toBe(first);
    expect(holder.current().manifest.builtAt).toBe('2');
    expect(holder.generation).toBe(1);
  });
});
