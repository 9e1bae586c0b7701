import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HnswBuildWorker,
  HnswVectorIndex,
  type HnswParams,
} from '../../../src/rag/store/vectors.js';
import { makeTempDir, removeDir } from '../../support/core.js';

const DIMS = 24;
const PARAMS: HnswParams = { m: 8, efConstruction: 40, efSearch: 32 };
let dir: string;

/** Deterministic unit vectors (a tiny LCG: the test must not depend on Math.random). */
function unitVectors(count: number, seed = 7): Float32Array[] {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: DIMS }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

beforeAll(() => {
  dir = makeTempDir('storybot-vectors-');
});
afterAll(() => removeDir(dir));

describe('building the vector index on a worker thread', () => {
  it('writes the same bytes as a build on the main thread, whatever the batch sizes', async () => {
    const vectors = unitVectors(700);
    const mainFile = path.join(dir, 'main.hnsw');
    HnswVectorIndex.build(vectors, DIMS, PARAMS).save(mainFile);

    const progress: number[] = [];
    const worker = new HnswBuildWorker(DIMS, vectors.length, PARAMS, (done) => progress.push(done));
    for (const [from, to] of [
      [0, 1],
      [1, 300],
      [300, 301],
      [301, 700],
    ] as const)
      await worker.add(vectors.slice(from, to));
    const workerFile = path.join(dir, 'worker.hnsw');
    await worker.save(workerFile);

    expect(readFileSync(workerFile).equals(readFileSync(mainFile))).toBe(true);
    expect(progress.at(-1)).toBe(700);
    const loaded = HnswVectorIndex.load(workerFile, DIMS, 700);
    expect(loaded.search(vectors[123]!, 1)[0]).toMatchObject({ doc: 123 });
  });

  it('refuses vectors of the wrong width and points beyond its capacity', async () => {
    const worker = new HnswBuildWorker(DIMS, 2, PARAMS);
    try {
      await expect(worker.add([new Float32Array(DIMS + 1)])).rejects.toThrow(/dimensions/);
      await expect(worker.add(unitVectors(3))).rejects.toThrow(/capacity/);
    } finally {
      await worker.dispose();
    }
  });

  it('rejects a save that cannot be written instead of waiting forever', async () => {
    const worker = new HnswBuildWorker(DIMS, 10, PARAMS);
    await worker.add(unitVectors(10));
    await expect(worker.save(path.join(dir, 'no-such-dir', 'v.hnsw'))).rejects.toThrow(
      /vector index build failed/,
    );
    await worker.dispose();
  });
});
