import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GrowableU32, readSections, writeSections } from '../../../src/rag/store/sections.js';
import { makeTempDir, removeDir } from '../../support/core.js';

const dir = makeTempDir('storybot-sections-');
afterAll(() => removeDir(dir));

describe('writeSections and readSections', () => {
  it('round-trip named typed arrays of every kind together with the meta object', () => {
    const file = path.join(dir, 'round.bin');
    const sections = {
      bytes: Uint8Array.from([1, 2, 3]), // odd length: the next section must still be aligned
      shorts: Uint16Array.from([65_535, 0, 7]),
      ints: Uint32Array.from([0, 4_294_967_295, 42]),
      floats: Float32Array.from([0.5, -1.25, 3]),
      empty: new Uint32Array(0),
    };
    writeSections(file, { kind: 'test', count: 3 }, sections);
    const { meta, sections: back } = readSections(file);
    expect(meta).toEqual({ kind: 'test', count: 3 });
    expect(Object.keys(back)).toEqual(Object.keys(sections));
    for (const [name, arr] of Object.entries(sections)) {
      expect(back[name]!.constructor).toBe(arr.constructor);
      expect(Array.from(back[name]!)).toEqual(Array.from(arr));
    }
  });

  it('writes a subarray view as just its own elements', () => {
    const file = path.join(dir, 'view.bin');
    const whole = Uint32Array.from([9, 8, 7, 6, 5]);
    writeSections(file, {}, { part: whole.subarray(1, 4) });
    expect(Array.from(readSections(file).sections.part!)).toEqual([8, 7, 6]);
  });

  it('refuses a file that is not a section file', () => {
    const file = path.join(dir, 'other.bin');
    writeFileSync(file, 'PK\u0003\u0004 not ours');
    expect(() => readSections(file)).toThrowError(/not an index section file/);
  });

  it('refuses a truncated file instead of returning short arrays', () => {
    const file = path.join(dir, 'cut.bin');
    writeSections(file, {}, { big: new Uint32Array(1_000).fill(3) });
    truncateSync(file, readFileSync(file).length - 100);
    expect(() => readSections(file)).toThrowError(/truncated/);
  });

  it('refuses a file cut inside its header', () => {
    const file = path.join(dir, 'cut-header.bin');
    writeSections(file, { note: 'x'.repeat(200) }, { a: new Uint8Array(4) });
    truncateSync(file, 40);
    expect(() => readSections(file)).toThrowError(/truncated/);
  });
});

describe('GrowableU32', () => {
  it('grows past its initial capacity and keeps every value', () => {
    const g = new GrowableU32(2);
    for (let i = 0; i < 1_000; i++) g.push(i * 3);
    expect(g.length).toBe(1_000);
    expect(g.get(999)).toBe(2_997);
    expect(g.view().length).toBe(1_000);
    expect(g.view()[500]).toBe(1_500);
  });
});
