/** Bytes per slab: records live in large off-heap buffers of this size. */
const SLAB_BYTES = 1 << 20;
/** Slot sizes and addresses are multiples of this: the float64 metadata is read aligned. */
const GRAIN = 8;
const SLAB_SHIFT = 17;
const SLAB_WORDS = SLAB_BYTES / GRAIN;
/** A ref is a slot's word index in the arena; the index of a RecordMap keeps ref + 1 in a Uint32Array. */
const MAX_SLABS = 2 ** (32 - SLAB_SHIFT) - 1;

// Slot layout: float64 words created, updated, accessed, expires, hits; then uint32 key length and
// value length; then the key's UTF-8 bytes and the value's bytes (or, for a large record, the
// uint32 handle of the Buffer of its own that holds them).
const CREATED = 0;
const UPDATED = 1;
const ACCESSED = 2;
const EXPIRES = 3;
const HITS = 4;
/** In uint32 units from the slot's start. */
const KEY_LENGTH = 10;
const VALUE_LENGTH = 11;
const HANDLE = 12;
const HEADER_BYTES = 48;
/** Marks a released slot (no key is this long): reading it throws until the slot is reused. */
const RELEASED = 0xffffffff;
/** Larger records keep key and value in a Buffer of their own: a slab's unusable tail stays under 2% of it. */
export const MAX_SLOT_BYTES = 16 << 10;
const MAX_INLINE = MAX_SLOT_BYTES - HEADER_BYTES;
const LARGE_SLOT_WORDS = (HEADER_BYTES + 8) / GRAIN;

/** A record's slot in the arena; `NONE` when there is no record. */
export type Ref = number;
export const NONE: Ref = -1;

function slotWords(keyLength: number, valueLength: number): number {
  return keyLength + valueLength > MAX_INLINE ? LARGE_SLOT_WORDS : Math.ceil((HEADER_BYTES + keyLength + valueLength) / GRAIN);
}

/**
 * Storage for map records, like a malloc arena: one slot per record with its times, hits, key and
 * value, carved from 1 MiB slabs, with a free list per slot size. Nothing of a record lives on V8's
 * heap (no object, no key string, no boxed number), so the heap per entry is only its place in the
 * RecordMap's index; an update of the same slot size rewrites the value in place. Freed slots are
 * reused by later records of the same size; slabs are kept (RSS does not shrink, as with malloc).
 * A ref read after its release throws, unless the slot was reused meanwhile (as with malloc).
 */
export class RecordArena {
  private readonly slabs: Buffer[] = [];
  private readonly f64: Float64Array[] = [];
  private readonly u32: Uint32Array[] = [];
  /** Bump offset (words) in the newest slab; starts full so the first record allocates one. */
  private top = SLAB_WORDS;
  /** Free slot refs, by slot size in words. */
  private readonly free: (number[] | undefined)[] = [];
  private freeWords = 0;
  /** Buffers of large records (key then value), by handle. */
  private readonly large: (Buffer | undefined)[] = [];
  private readonly freeHandles: number[] = [];

  /** A new record; `key` holds the key's UTF-8 bytes in its first `keyLength` bytes, `value` is copied in. */
  allocate(key: Buffer, keyLength: number, value: Buffer, created: number, updated: number, accessed: number, hits: number, expires: number): Ref {
    const ref = this.take(slotWords(keyLength, value.length));
    const u32 = this.u32[ref >>> SLAB_SHIFT]!;
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    u32[at + KEY_LENGTH] = keyLength;
    u32[at + VALUE_LENGTH] = value.length;
    this.setMeta(ref, created, updated, accessed, hits, expires);
    if (keyLength + value.length > MAX_INLINE) {
      const own = Buffer.allocUnsafeSlow(keyLength + value.length);
      key.copy(own, 0, 0, keyLength);
      value.copy(own, keyLength);
      u32[at + HANDLE] = this.keep(own);
    } else {
      const slab = this.slabs[ref >>> SLAB_SHIFT]!;
      const start = (ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES;
      key.copy(slab, start, 0, keyLength);
      value.copy(slab, start + keyLength);
    }
    return ref;
  }

  /** Stores `value` as the record's value: in place when the slot size stays, else in a new slot (returned) with the same metadata and key. */
  replaceValue(ref: Ref, value: Buffer): Ref {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const keyLength = u32[at + KEY_LENGTH]!;
    const valueLength = u32[at + VALUE_LENGTH]!;
    // A large record's slot may be as long as a small one's: both size and kind must match.
    const stays = slotWords(keyLength, valueLength) === slotWords(keyLength, value.length)
      && (keyLength + valueLength > MAX_INLINE) === (keyLength + value.length > MAX_INLINE);
    if (!stays) {
      const moved = this.allocate(this.keyBytes(ref), keyLength, value, this.created(ref), this.updated(ref), this.accessed(ref), this.hits(ref), this.expires(ref));
      this.release(ref);
      return moved;
    }
    u32[at + VALUE_LENGTH] = value.length;
    if (keyLength + value.length > MAX_INLINE) {
      const old = this.large[u32[at + HANDLE]!]!;
      const own = Buffer.allocUnsafeSlow(keyLength + value.length);
      old.copy(own, 0, 0, keyLength);
      value.copy(own, keyLength);
      this.large[u32[at + HANDLE]!] = own;
    } else {
      value.copy(this.slabs[ref >>> SLAB_SHIFT]!, (ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES + keyLength);
    }
    return ref;
  }

  /** Gives the slot back; done by the RecordMap that removes the record. */
  release(ref: Ref): void {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const keyLength = u32[at + KEY_LENGTH]!;
    const valueLength = u32[at + VALUE_LENGTH]!;
    if (keyLength + valueLength > MAX_INLINE) {
      this.large[u32[at + HANDLE]!] = undefined;
      this.freeHandles.push(u32[at + HANDLE]!);
    }
    u32[at + KEY_LENGTH] = RELEASED;
    const words = slotWords(keyLength, valueLength);
    (this.free[words] ??= []).push(ref);
    this.freeWords += words;
  }

  /** A copy of the value's bytes: the slot may be rewritten once the caller has them. */
  value(ref: Ref): Buffer {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const keyLength = u32[at + KEY_LENGTH]!;
    const valueLength = u32[at + VALUE_LENGTH]!;
    const out = Buffer.allocUnsafe(valueLength);
    if (keyLength + valueLength > MAX_INLINE) {
      this.large[u32[at + HANDLE]!]!.copy(out, 0, keyLength);
    } else {
      const start = (ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES + keyLength;
      this.slabs[ref >>> SLAB_SHIFT]!.copy(out, 0, start, start + valueLength);
    }
    return out;
  }

  valueLength(ref: Ref): number {
    return this.u32Of(ref)[(ref & (SLAB_WORDS - 1)) * 2 + VALUE_LENGTH]!;
  }

  key(ref: Ref): string {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const keyLength = u32[at + KEY_LENGTH]!;
    if (keyLength + u32[at + VALUE_LENGTH]! > MAX_INLINE) return this.large[u32[at + HANDLE]!]!.toString('utf8', 0, keyLength);
    const start = (ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES;
    return this.slabs[ref >>> SLAB_SHIFT]!.toString('utf8', start, start + keyLength);
  }

  /** Whether the record's key is the first `length` bytes of `bytes` (UTF-8). */
  keyEquals(ref: Ref, bytes: Buffer, length: number): boolean {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    if (u32[at + KEY_LENGTH] !== length) return false;
    let slab: Buffer;
    let start: number;
    if (length + u32[at + VALUE_LENGTH]! > MAX_INLINE) {
      slab = this.large[u32[at + HANDLE]!]!;
      start = 0;
    } else {
      slab = this.slabs[ref >>> SLAB_SHIFT]!;
      start = (ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES;
    }
    for (let i = 0; i < length; i++) if (slab[start + i] !== bytes[i]) return false;
    return true;
  }

  /** Bytes the record takes: its slot, and its own Buffer when large. */
  bytesOf(ref: Ref): number {
    const u32 = this.u32Of(ref);
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const keyLength = u32[at + KEY_LENGTH]!;
    const valueLength = u32[at + VALUE_LENGTH]!;
    if (keyLength + valueLength > MAX_INLINE) return LARGE_SLOT_WORDS * GRAIN + keyLength + valueLength;
    return slotWords(keyLength, valueLength) * GRAIN;
  }

  created(ref: Ref): number {
    return this.meta(ref, CREATED);
  }

  updated(ref: Ref): number {
    return this.meta(ref, UPDATED);
  }

  accessed(ref: Ref): number {
    return this.meta(ref, ACCESSED);
  }

  /** Absolute expiry time in ms, 0 when the entry has no TTL. */
  expires(ref: Ref): number {
    return this.meta(ref, EXPIRES);
  }

  hits(ref: Ref): number {
    return this.meta(ref, HITS);
  }

  setAccessed(ref: Ref, ms: number): void {
    this.u32Of(ref);
    this.f64[ref >>> SLAB_SHIFT]![(ref & (SLAB_WORDS - 1)) + ACCESSED] = ms;
  }

  /** A read: one more hit, accessed now. */
  hit(ref: Ref, now: number): void {
    this.u32Of(ref);
    const f64 = this.f64[ref >>> SLAB_SHIFT]!;
    const at = ref & (SLAB_WORDS - 1);
    f64[at + HITS]! += 1;
    f64[at + ACCESSED] = now;
  }

  setMeta(ref: Ref, created: number, updated: number, accessed: number, hits: number, expires: number): void {
    this.u32Of(ref);
    const f64 = this.f64[ref >>> SLAB_SHIFT]!;
    const at = ref & (SLAB_WORDS - 1);
    f64[at + CREATED] = created;
    f64[at + UPDATED] = updated;
    f64[at + ACCESSED] = accessed;
    f64[at + EXPIRES] = expires;
    f64[at + HITS] = hits;
  }

  /** Slab bytes reserved and, of those, bytes in free slots (for statistics and tests). */
  usage(): { reservedBytes: number; freeBytes: number; largeBuffers: number } {
    return { reservedBytes: this.slabs.length * SLAB_BYTES, freeBytes: this.freeWords * GRAIN, largeBuffers: this.large.length - this.freeHandles.length };
  }

  private meta(ref: Ref, field: number): number {
    this.u32Of(ref);
    return this.f64[ref >>> SLAB_SHIFT]![(ref & (SLAB_WORDS - 1)) + field]!;
  }

  /** The key's bytes, in a Buffer whose first key-length bytes they are. */
  private keyBytes(ref: Ref): Buffer {
    const at = (ref & (SLAB_WORDS - 1)) * 2;
    const u32 = this.u32[ref >>> SLAB_SHIFT]!;
    if (u32[at + KEY_LENGTH]! + u32[at + VALUE_LENGTH]! > MAX_INLINE) return this.large[u32[at + HANDLE]!]!;
    return this.slabs[ref >>> SLAB_SHIFT]!.subarray((ref & (SLAB_WORDS - 1)) * GRAIN + HEADER_BYTES);
  }

  /** The uint32 view of the ref's slab, once the ref is checked to be a live slot. */
  private u32Of(ref: Ref): Uint32Array {
    const u32 = this.u32[ref >>> SLAB_SHIFT];
    if (ref < 0 || u32 === undefined) throw new Error(`map record ref ${ref} is not in the record arena`);
    if (u32[(ref & (SLAB_WORDS - 1)) * 2 + KEY_LENGTH] === RELEASED) throw new Error(`map record ref ${ref} used after its record was released`);
    return u32;
  }

  private take(words: number): Ref {
    const reusable = this.free[words]?.pop();
    if (reusable !== undefined) {
      this.freeWords -= words;
      return reusable;
    }
    if (this.top + words > SLAB_WORDS) {
      if (this.slabs.length === MAX_SLABS) throw new Error(`the map record arena is full: ${MAX_SLABS} slabs of ${SLAB_BYTES} bytes`);
      const slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.slabs.push(slab);
      this.f64.push(new Float64Array(slab.buffer, slab.byteOffset, SLAB_WORDS));
      this.u32.push(new Uint32Array(slab.buffer, slab.byteOffset, SLAB_WORDS * 2));
      this.top = 0;
    }
    const ref = (this.slabs.length - 1) * SLAB_WORDS + this.top;
    this.top += words;
    return ref;
  }

  private keep(own: Buffer): number {
    const handle = this.freeHandles.pop();
    if (handle === undefined) return this.large.push(own) - 1;
    this.large[handle] = own;
    return handle;
  }
}

/** The process's arena: every member in this process stores its records here (single-threaded, like malloc). */
export const records = new RecordArena();
