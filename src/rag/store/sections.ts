/**
 * A tiny binary container: named typed arrays behind a JSON header, each 8-byte aligned, so an
 * index of millions of chunks loads as a few array views instead of a JSON parse.
 *
 * Layout: "SBIN" | u32 header length | header JSON | padding | section bytes…
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

type ArrayKind = 'u8' | 'u16' | 'u32' | 'f32';
export type Section = Uint8Array | Uint16Array | Uint32Array | Float32Array;

const CTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, f32: Float32Array } as const;

function kindOf(a: Section): ArrayKind {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  return 'f32';
}

interface HeaderEntry {
  name: string;
  kind: ArrayKind;
  offset: number;
  length: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Writes sections plus a small JSON `meta` object to `file`. Streams each section straight from
 * its array, so writing a large index never holds a second copy of it in memory.
 */
export function writeSections(
  file: string,
  meta: Record<string, unknown>,
  sections: Record<string, Section>,
): void {
  const arrays = Object.entries(sections);
  const entries: HeaderEntry[] = [];
  let offset = 0;
  for (const [name, arr] of arrays) {
    entries.push({ name, kind: kindOf(arr), offset, length: arr.length });
    offset = align8(offset + arr.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, entries }), 'utf8');
  const dataStart = align8(8 + header.length);
  const head = Buffer.alloc(dataStart);
  head.write('SBIN', 0, 'latin1');
  head.writeUInt32LE(header.length, 4);
  header.copy(head, 8);
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, head);
    const zeros = Buffer.alloc(8);
    arrays.forEach(([, arr], i) => {
      writeAll(fd, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
      const pad =
        (i + 1 < entries.length ? entries[i + 1]!.offset : offset) -
        (entries[i]!.offset + arr.byteLength);
      if (pad > 0) writeAll(fd, zeros.subarray(0, pad));
    });
  } finally {
    closeSync(fd);
  }
}

/** `writeSync` may write less than asked for (and takes < 2 GB at once); loop until all is out. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.byteLength;)
    at += writeSync(fd, bytes, at, Math.min(bytes.byteLength - at, 1 << 30));
}

/** Reads a file written by `writeSections`; throws a plain Error on any inconsistency. */
export function readSections(file: string): {
  meta: Record<string, unknown>;
  sections: Record<string, Section>;
} {
  const buf = readFileSync(file);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'SBIN')
    throw new Error(`${file} is not an index section file`);
  const headerLength = buf.readUInt32LE(4);
  if (8 + headerLength > buf.length) throw new Error(`${file} is truncated`);
  const { meta, entries } = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as {
    meta: Record<string, unknown>;
    entries: HeaderEntry[];
  };
  const dataStart = align8(8 + headerLength);
  // Typed-array views need an aligned ArrayBuffer offset; copy once if Node handed us an odd one.
  const base = (buf.byteOffset + dataStart) % 8 === 0 ? buf : Buffer.from(buf);
  const sections: Record<string, Section> = {};
  for (const e of entries) {
    const ctor = CTORS[e.kind];
    const start = base.byteOffset + dataStart + e.offset;
    if (dataStart + e.offset + e.length * ctor.BYTES_PER_ELEMENT > base.length)
      throw new Error(`${file} is truncated (section ${e.name})`);
    sections[e.name] = new ctor(base.buffer, start, e.length);
  }
  return { meta, sections };
}

/** A typed array that grows by doubling, for building sections of unknown size. */
export class GrowableU32 {
  private data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i]!;
  }
  /** A view of the filled part (shares memory until the next push that grows). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}
