import type { ReplicaParticipant } from '../partition/participants.js';
import type { MapConfig } from './mapConfig.js';
import { isMapChunk } from './mapSchemas.js';
import { records } from './recordArena.js';
import { type RecordStores, storeWireRecord, toWireRecord, type WireRecord } from './recordStore.js';

/** Records per migration message: big partitions travel in several messages. */
const CHUNK_RECORDS = 2000;
/**
 * Key and value bytes per migration message (a record over it travels alone): decoding and storing a
 * chunk holds up the receiver's event loop, and values up to maxValueSize must not add up past the
 * frame size limit.
 */
const CHUNK_BYTES = 256 * 1024;

type Chunk = [map: string, records: WireRecord[]][];

/** Map entries as partition replicas: copied on migration, dropped and promoted with the table. */
export class MapReplicas implements ReplicaParticipant {
  readonly name = 'map';
  readonly chunkCheck = isMapChunk;

  constructor(private readonly stores: RecordStores, private readonly config: (map: string) => MapConfig) {}

  snapshot(p: number, replicaIndex: number): unknown[] {
    const chunks: Chunk[] = [];
    let chunk: Chunk = [];
    let size = 0;
    let bytes = 0;
    for (const [map, store] of this.stores.peekContainer(p)?.maps ?? []) {
      const c = this.config(map);
      if (replicaIndex > c.backupCount + c.asyncBackupCount) continue;
      let records: WireRecord[] = [];
      chunk.push([map, records]);
      store.forEach((r) => {
        if (size === CHUNK_RECORDS || bytes >= CHUNK_BYTES) {
          chunks.push(chunk);
          records = [];
          chunk = [[map, records]];
          size = 0;
          bytes = 0;
        }
        const w = toWireRecord(r);
        records.push(w);
        size++;
        bytes += w[0].length + w[1].length;
      });
    }
    chunks.push(chunk);
    return chunks;
  }

  covers(p: number, heldIndex: number, index: number): boolean {
    for (const map of this.stores.peekContainer(p)?.maps.keys() ?? []) {
      const c = this.config(map);
      const backedUpTo = c.backupCount + c.asyncBackupCount;
      // Missing at the held index, or held there but no longer backed up at the new one (it would go stale).
      if ((index <= backedUpTo) !== (heldIndex <= backedUpTo)) return false;
    }
    return true;
  }

  restore(p: number, chunk: unknown, first: boolean): void {
    if (first) this.stores.drop(p);
    const container = this.stores.container(p);
    for (const [map, list] of chunk as Chunk) {
      const store = container.store(map);
      for (const w of list) {
        storeWireRecord(store, w);
        if (w[6]) this.stores.mapsWithTtl.add(map);
      }
    }
  }

  drop(p: number): void {
    this.stores.drop(p);
  }

  /** The owner's reads never reached this backup: restart idle clocks rather than evict too early. */
  promoted(p: number): void {
    const now = Date.now();
    for (const store of this.stores.peekContainer(p)?.maps.values() ?? []) {
      store.forEach((r) => records.setAccessed(r, Math.max(records.accessed(r), now)));
    }
  }
}
