import { randomBytes } from 'node:crypto';
import { NONE, type Ref, records } from './recordArena.js';

const MIN_CAPACITY = 8;
/** Per process, so that keys chosen to share one probe chain here do not share it in another process. */
const SEED = randomBytes(4).readUInt32LE(0);
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// The UTF-8 bytes and hash of the last key looked up: a write looks its key up twice (live check,
// then store), and the second time costs only a string comparison.
let scratch = Buffer.allocUnsafeSlow(256);
let encodedKey: string | undefined;
let encodedLength = 0;
let encodedHash = 0;

function encode(key: string): void {
  if (key === encodedKey) return;
  encodedKey = undefined;
  if (key.length * 3 > scratch.length) scratch = Buffer.allocUnsafeSlow(key.length * 3);
  const length = scratch.write(key);
  // UTF-8 turns each lone surrogate into U+FFFD: two such keys would be one entry.
  if (length !== key.length && LONE_SURROGATE.test(key)) throw new Error(`map key "${key.slice(0, 64)}" is not well-formed Unicode (a lone surrogate)`);
  let h = SEED;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ scratch[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  encodedKey = key;
  encodedLength = length;
  encodedHash = h >>> 0;
}

/**
 * One map's records in one partition: an open-addressing hash index (linear probing, backward-shift
 * deletion) from key to the record's slot in the arena. The index is two typed arrays (ref + 1 and
 * the key's hash; 0 is an empty bucket), 8 bytes per bucket off V8's heap, kept between 3/4 and
 * 1/4 full. A record that is replaced, deleted or cleared is released.
 */
export class RecordMap {
  private refs = new Uint32Array(MIN_CAPACITY);
  private hashes = new Uint32Array(MIN_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The record of `key`, or NONE. */
  find(key: string): Ref {
    encode(key);
    const i = this.position();
    return i >= 0 ? this.refs[i]! - 1 : NONE;
  }

  /** Stores the record of `key`: a new one, or the existing one's value (in place when it fits) and metadata. */
  set(key: string, value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number): Ref {
    encode(key);
    let i = this.position();
    if (i >= 0) {
      const ref = records.replaceValue(this.refs[i]! - 1, value);
      this.refs[i] = ref + 1;
      records.setMeta(ref, created, updated, accessed, hits, expires);
      return ref;
    }
    if ((this.count + 1) * 4 > this.refs.length * 3) {
      this.rehash(this.refs.length * 2);
      i = this.position();
    }
    const ref = records.allocate(scratch, encodedLength, value, created, updated, accessed, hits, expires);
    this.refs[~i] = ref + 1;
    this.hashes[~i] = encodedHash;
    this.count++;
    return ref;
  }

  delete(key: string): boolean {
    encode(key);
    let i = this.position();
    if (i < 0) return false;
    records.release(this.refs[i]! - 1);
    // Backward shift: later records of the probe run move up unless that would put them before their home bucket.
    const mask = this.refs.length - 1;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (this.refs[j] === 0) break;
      const home = this.hashes[j]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      this.refs[i] = this.refs[j]!;
      this.hashes[i] = this.hashes[j]!;
      i = j;
    }
    this.refs[i] = 0;
    this.count--;
    if (this.refs.length > MIN_CAPACITY && this.count * 4 < this.refs.length) this.rehash(this.refs.length / 2);
    return true;
  }

  clear(): void {
    this.forEach((ref) => records.release(ref));
    this.refs = new Uint32Array(MIN_CAPACITY);
    this.hashes = new Uint32Array(MIN_CAPACITY);
    this.count = 0;
  }

  /** Visits every record; `visit` must not add or delete records of this map (collect keys, act afterwards). */
  forEach(visit: (ref: Ref) => void): void {
    const refs = this.refs;
    for (let i = 0; i < refs.length; i++) if (refs[i] !== 0) visit(refs[i]! - 1);
  }

  keys(): string[] {
    const out: string[] = [];
    this.forEach((ref) => out.push(records.key(ref)));
    return out;
  }

  /** Bytes this map takes off the heap: its index and its records' slots. */
  memoryCost(): number {
    let bytes = this.refs.byteLength + this.hashes.byteLength;
    this.forEach((ref) => (bytes += records.bytesOf(ref)));
    return bytes;
  }

  /** The bucket of the encoded key, or the complement (~) of the empty bucket where it would go. */
  private position(): number {
    const refs = this.refs;
    const mask = refs.length - 1;
    let i = encodedHash & mask;
    for (;;) {
      const slot = refs[i]!;
      if (slot === 0) return ~i;
      if (this.hashes[i] === encodedHash && records.keyEquals(slot - 1, scratch, encodedLength)) return i;
      i = (i + 1) & mask;
    }
  }

  private rehash(capacity: number): void {
    const oldRefs = this.refs;
    const oldHashes = this.hashes;
    this.refs = new Uint32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let k = 0; k < oldRefs.length; k++) {
      if (oldRefs[k] === 0) continue;
      let i = oldHashes[k]! & mask;
      while (this.refs[i] !== 0) i = (i + 1) & mask;
      this.refs[i] = oldRefs[k]!;
      this.hashes[i] = oldHashes[k]!;
    }
  }
}
