/**
 * Dense nearest-neighbour search. `VectorIndex` is the seam: the hnswlib implementation below
 * serves one machine; a networked engine (Qdrant, pgvector, OpenSearch k-NN) can implement the
 * same three methods without the retriever or the bot noticing.
 */
import hnswlib from 'hnswlib-node';

export interface VectorHit {
  /** Chunk number (row in the chunk table). */
  doc: number;
  /** Cosine similarity (vectors are unit length). */
  similarity: number;
}

export interface VectorIndex {
  readonly size: number;
  readonly dimensions: number;
  search(query: Float32Array, k: number): VectorHit[];
}

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 100, efSearch: 64 };

/** hnswlib-backed index over unit vectors with inner-product distance. */
export class HnswVectorIndex implements VectorIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimensions: number,
    readonly size: number,
    private readonly efSearch: number,
  ) {}

  /** Builds an index from `vectors` (row i gets label i). Single-threaded, like hnswlib-node. */
  static build(vectors: Float32Array[], dimensions: number, params: HnswParams = DEFAULT_HNSW, onProgress?: (done: number) => void): HnswVectorIndex {
    const index = new hnswlib.HierarchicalNSW('ip', dimensions);
    index.initIndex({ maxElements: Math.max(1, vectors.length), m: params.m, efConstruction: params.efConstruction, randomSeed: 42 });
    const row = new Array<number>(dimensions);
    vectors.forEach((v, i) => {
      for (let d = 0; d < dimensions; d++) row[d] = v[d]!;
      index.addPoint(row, i);
      if (onProgress && (i + 1) % 5_000 === 0) onProgress(i + 1);
    });
    return new HnswVectorIndex(index, dimensions, vectors.length, params.efSearch);
  }

  /** Loads a saved index; the caller has checked the file's size against the manifest. */
  static load(file: string, dimensions: number, size: number, efSearch = DEFAULT_HNSW.efSearch): HnswVectorIndex {
    const index = new hnswlib.HierarchicalNSW('ip', dimensions);
    index.readIndexSync(file);
    if (index.getCurrentCount() !== size) throw new Error(`vector index holds ${index.getCurrentCount()} vectors, manifest says ${size}`);
    return new HnswVectorIndex(index, dimensions, size, efSearch);
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    this.index.setEf(Math.max(this.efSearch, n));
    const { neighbors, distances } = this.index.searchKnn(Array.from(query), n);
    return neighbors.map((doc, i) => ({ doc, similarity: 1 - distances[i]! }));
  }
}
