/** Bytes per slab: values live in large off-heap buffers of this size. */
const SLAB_BYTES = 1 << 20;
/** Slot sizes are multiples of this. */
const GRAIN = 16;
/** Each slot starts with the value's length. */
const LENGTH_BYTES = 4;
/** Larger values get a Buffer of their own: a slab's unusable tail stays under 2% of it. */
export const MAX_SLOT_BYTES = 16 << 10;

/** Where a value is: its slot's address in the arena, or its own Buffer when too large for a slot. */
export type ValueRef = number | Buffer;

/** The ref of a released value; reading it is a bug and throws. */
export const RELEASED: ValueRef = -1;

function slotSize(length: number): number {
  return Math.ceil((LENGTH_BYTES + length) / GRAIN) * GRAIN;
}

/**
 * Storage for map values, like a malloc arena: slots carved from 1 MiB slabs, with a free list per
 * slot size. A stored value never lives on V8's heap, so writing it costs no young-generation
 * allocation, no copies when it survives collections, and no fresh pages when it is promoted; an
 * update of the same slot size rewrites the bytes in place. Freed slots are reused by later values
 * of the same size; slabs are kept (RSS does not shrink when entries leave, as with malloc).
 */
export class ValueArena {
  private readonly slabs: Buffer[] = [];
  /** Bump offset in the newest slab; starts full so the first value allocates one. */
  private top = SLAB_BYTES;
  /** Free slot addresses, by slot size / GRAIN. */
  private readonly free: (number[] | undefined)[] = [];
  private freeBytes = 0;

  /** Copies `bytes` in and returns where they are. */
  store(bytes: Buffer): ValueRef {
    if (bytes.length > MAX_SLOT_BYTES - LENGTH_BYTES) return Buffer.from(bytes);
    const address = this.allocate(slotSize(bytes.length));
    this.write(address, bytes);
    return address;
  }

  /** A copy of the value's bytes: the slot may be rewritten once the caller has them. */
  read(ref: ValueRef): Buffer {
    if (typeof ref !== 'number') return Buffer.from(ref);
    const slab = this.slabOf(ref);
    const offset = offsetOf(ref);
    const length = slab.readUInt32LE(offset);
    const out = Buffer.allocUnsafe(length);
    slab.copy(out, 0, offset + LENGTH_BYTES, offset + LENGTH_BYTES + length);
    return out;
  }

  length(ref: ValueRef): number {
    if (typeof ref !== 'number') return ref.length;
    return this.slabOf(ref).readUInt32LE(offsetOf(ref));
  }

  /** Stores `bytes` in place of the value at `ref`: in the same slot when the slot size is the same. */
  replace(ref: ValueRef, bytes: Buffer): ValueRef {
    if (typeof ref === 'number' && bytes.length <= MAX_SLOT_BYTES - LENGTH_BYTES) {
      if (slotSize(this.length(ref)) === slotSize(bytes.length)) {
        this.write(ref, bytes);
        return ref;
      }
    }
    this.release(ref);
    return this.store(bytes);
  }

  release(ref: ValueRef): void {
    if (typeof ref !== 'number') return;
    const size = slotSize(this.length(ref));
    (this.free[size / GRAIN] ??= []).push(ref);
    this.freeBytes += size;
  }

  /** Slab bytes reserved and, of those, bytes in free slots (for statistics and tests). */
  usage(): { reservedBytes: number; freeBytes: number } {
    return { reservedBytes: this.slabs.length * SLAB_BYTES, freeBytes: this.freeBytes };
  }

  private allocate(size: number): number {
    const reusable = this.free[size / GRAIN]?.pop();
    if (reusable !== undefined) {
      this.freeBytes -= size;
      return reusable;
    }
    if (this.top + size > SLAB_BYTES) {
      this.slabs.push(Buffer.allocUnsafeSlow(SLAB_BYTES));
      this.top = 0;
    }
    const address = (this.slabs.length - 1) * SLAB_BYTES + this.top;
    this.top += size;
    return address;
  }

  private write(address: number, bytes: Buffer): void {
    const slab = this.slabOf(address);
    const offset = offsetOf(address);
    slab.writeUInt32LE(bytes.length, offset);
    bytes.copy(slab, offset + LENGTH_BYTES);
  }

  private slabOf(address: number): Buffer {
    if (address < 0) throw new Error('map value used after its record was released');
    return this.slabs[Math.floor(address / SLAB_BYTES)]!;
  }
}

function offsetOf(address: number): number {
  return address % SLAB_BYTES;
}

/** The process's arena: every member in this process stores its values here (single-threaded, like malloc). */
export const valueArena = new ValueArena();
