/**
 * A structural check of an hnswlib index file, run before native code reads it.
 *
 * hnswlib trusts the link counts and neighbour ids it loads: a file of the right size with
 * damaged bytes (disk error, a bad copy) makes it read out of bounds and kills the process with
 * a segmentation fault on the first search. Checking every link here turns that into an ordinary
 * error. The vectors themselves are not checked: damaged floats give poor results, not crashes.
 *
 * Layout (hnswlib 0.8, as bundled by hnswlib-node 3): a 96-byte header; `count` level-0 records
 * of [u32 link count | maxM0 × u32 neighbour | dims × f32 | u64 label]; then per element a u32
 * byte size and that many bytes of upper-level link blocks of [u32 count | maxM × u32 neighbour].
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const HEADER_BYTES = 96;
/** Level-0 records read per disk read (a few MB at typical widths). */
const RECORDS_PER_READ = 4_096;

/**
 * Throws an Error naming the first inconsistency in the hnswlib file `file`, which should hold
 * `expectedCount` vectors of `dims` float32 components labelled 0..expectedCount-1.
 */
export function checkHnswFile(file: string, dims: number, expectedCount: number): void {
  const fd = openSync(file, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER_BYTES);
    if (readSync(fd, head, 0, HEADER_BYTES, 0) !== HEADER_BYTES)
      throw new Error('vector index header is truncated');
    const u64 = (at: number): number => Number(head.readBigUInt64LE(at));
    const offsetLevel0 = u64(0);
    const maxElements = u64(8);
    const count = u64(16);
    const recordBytes = u64(24);
    const labelOffset = u64(32);
    const offsetData = u64(40);
    const maxLevel = head.readInt32LE(48);
    const entryPoint = head.readUInt32LE(52);
    const maxM = u64(56);
    const maxM0 = u64(64);
    const linksLevel0 = 4 + maxM0 * 4;
    const linksUpper = 4 + maxM * 4;
    const fail = (what: string): never => {
      throw new Error(`vectors.hnsw: ${what}`);
    };
    if (count !== expectedCount) fail(`holds ${count} vectors, expected ${expectedCount}`);
    if (
      offsetLevel0 !== 0 ||
      offsetData !== linksLevel0 ||
      labelOffset !== linksLevel0 + dims * 4 ||
      recordBytes !== labelOffset + 8
    )
      fail('record layout');
    if (maxM < 1 || maxM > 4_096 || maxM0 < maxM || maxM0 > 8_192) fail('link widths');
    // hnswlib allocates room for maxElements up front; a damaged value could ask for terabytes.
    if (maxElements < count || maxElements > Math.max(count, 1) * 4 + 1_024) fail('capacity');
    if (count === 0) return;
    if (entryPoint >= count || maxLevel < 0 || maxLevel > 64) fail('entry point');

    const level0End = HEADER_BYTES + count * recordBytes;
    if (level0End > fileBytes) fail('level-0 records are truncated');
    // Records are whole 32-bit words (hnswlib packs u32 links, f32 components and a u64 label),
    // so one Uint32Array view reads them without per-field Buffer calls.
    const block = new Uint32Array((RECORDS_PER_READ * recordBytes) / 4);
    const blockBytes = new Uint8Array(block.buffer);
    const words = recordBytes / 4;
    const label = labelOffset / 4;
    for (let first = 0; first < count; first += RECORDS_PER_READ) {
      const n = Math.min(RECORDS_PER_READ, count - first);
      const bytes = n * recordBytes;
      if (readSync(fd, blockBytes, 0, bytes, HEADER_BYTES + first * recordBytes) !== bytes)
        fail('short read');
      for (let r = 0; r < n; r++) {
        const at = r * words;
        const links = block[at]! & 0xffff; // hnswlib reads the count as an unsigned short
        if (links > maxM0) fail(`element ${first + r} has ${links} level-0 links`);
        for (let j = 1; j <= links; j++)
          if (block[at + j]! >= count) fail(`element ${first + r} links outside the index`);
        if (block[at + label]! >= count || block[at + label + 1] !== 0)
          fail(`element ${first + r} has an unknown label`);
      }
    }

    // Upper levels are small (about one element in M has any): read them whole.
    const rest = Buffer.alloc(fileBytes - level0End);
    if (readSync(fd, rest, 0, rest.length, level0End) !== rest.length) fail('short read');
    const levels = new Uint8Array(count);
    const starts = new Uint32Array(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 4 > rest.length) fail('upper-level links are truncated');
      const size = rest.readUInt32LE(at);
      at += 4;
      if (size % linksUpper !== 0 || size / linksUpper > maxLevel || at + size > rest.length)
        fail(`element ${i} has a bad link list`);
      levels[i] = size / linksUpper;
      starts[i] = at;
      at += size;
    }
    if (at !== rest.length) fail('trailing bytes');
    if (levels[entryPoint] !== maxLevel) fail('entry point level');
    for (let i = 0; i < count; i++) {
      for (let level = 1; level <= levels[i]!; level++) {
        const base = starts[i]! + (level - 1) * linksUpper;
        const links = rest.readUInt16LE(base);
        if (links > maxM) fail(`element ${i} has ${links} links at level ${level}`);
        for (let j = 0; j < links; j++) {
          const to = rest.readUInt32LE(base + 4 + 4 * j);
          // A search at this level follows the link and reads the target's list at this level.
          if (to >= count || levels[to]! < level) fail(`element ${i} links outside level ${level}`);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
