/**
 * On-disk embedding cache, keyed by embedder id (provider + model + parameters) and the sha256 of
 * the embedded text, so a re-index only embeds new or changed chunks.
 *
 * One append-only file per embedder: fixed-size records of [16-byte key][dims × float32]. A
 * record cut short by a crash is ignored on the next load, so the cache never needs repair.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 16;

export function textKey(text: string): string {
  return createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, KEY_BYTES * 2);
}

export class EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();
  private readonly file: string;
  private readonly recordBytes: number;

  constructor(
    dir: string,
    readonly embedderId: string,
    readonly dims: number,
  ) {
    const safe = embedderId.replace(/[^\w.+-]+/g, '_').slice(0, 80);
    const digest = createHash('sha256').update(embedderId).digest('hex').slice(0, 8);
    this.file = path.join(dir, `${safe}-${digest}-d${dims}.bin`);
    this.recordBytes = KEY_BYTES + dims * 4;
    this.load();
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const buf = readFileSync(this.file);
    const whole = Math.floor(buf.length / this.recordBytes);
    // Drop a record torn by a crash so that new records stay aligned.
    if (whole * this.recordBytes !== buf.length) truncateSync(this.file, whole * this.recordBytes);
    for (let r = 0; r < whole; r++) {
      const at = r * this.recordBytes;
      const key = buf.toString('hex', at, at + KEY_BYTES);
      const vec = new Float32Array(this.dims);
      for (let d = 0; d < this.dims; d++) vec[d] = buf.readFloatLE(at + KEY_BYTES + d * 4);
      this.entries.set(key, vec);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Float32Array | undefined {
    return this.entries.get(key);
  }

  /** Appends new vectors; keys already present are skipped. */
  putMany(items: Array<{ key: string; vector: Float32Array }>): void {
    const fresh = items.filter((i) => !this.entries.has(i.key));
    if (fresh.length === 0) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const buf = Buffer.alloc(fresh.length * this.recordBytes);
    fresh.forEach(({ key, vector }, r) => {
      const at = r * this.recordBytes;
      buf.write(key, at, KEY_BYTES, 'hex');
      for (let d = 0; d < this.dims; d++) buf.writeFloatLE(vector[d] ?? 0, at + KEY_BYTES + d * 4);
      this.entries.set(key, vector);
    });
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, buf);
    } finally {
      closeSync(fd);
    }
  }
}
