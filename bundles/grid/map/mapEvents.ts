import { unpack } from 'msgpackr';
import type { Logger } from 'winston';
import type { EntryEvent, EntryListener } from '../api.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf } from '../partition/participants.js';

const LISTEN_SERVICE = 'grid.mapListen';
const EVENT_SERVICE = 'grid.mapEvent';

type EventType = EntryEvent<unknown>['type'];
type WireEvent = [map: string, type: EventType, key: string, value: Buffer | undefined, old: Buffer | undefined, member: string];

interface LocalListener {
  listener: EntryListener<unknown>;
  includeValue: boolean;
}

/**
 * Cluster-wide entry listeners. Each member tells every other member which maps it listens to;
 * a partition owner sends each change only to the members listening to that map.
 */
export class MapEvents {
  /** Map name -> members with listeners on it (this member included). */
  private readonly registrants = new Map<string, Set<string>>();
  private readonly local = new Map<string, Set<LocalListener>>();

  constructor(private readonly spi: ClusterSpi, private readonly logger: Logger) {
    spi.handle(LISTEN_SERVICE, (from, payload) => {
      const [maps, on] = payload as [string[], boolean];
      for (const map of maps) this.setRegistrant(map, from.id, on);
    });
    spi.handle(EVENT_SERVICE, (_from, payload) => this.deliver(payload as WireEvent));
    spi.onMembershipChange((change) => {
      for (const m of change.removed) for (const set of this.registrants.values()) set.delete(m.id);
      const mine = [...this.local.keys()];
      if (mine.length > 0) for (const m of change.added) spi.send(m.id, LISTEN_SERVICE, [mine, true]);
    });
  }

  add(map: string, listener: EntryListener<unknown>, includeValue: boolean): () => void {
    let set = this.local.get(map);
    if (!set) {
      this.local.set(map, (set = new Set()));
      this.setRegistrant(map, this.spi.local.id, true);
      this.broadcast([map], true);
    }
    const entry = { listener, includeValue };
    set.add(entry);
    return () => {
      const s = this.local.get(map);
      if (!s?.delete(entry) || s.size > 0) return;
      this.local.delete(map);
      this.setRegistrant(map, this.spi.local.id, false);
      this.broadcast([map], false);
    };
  }

  /** True when some member listens to `map`: the owner skips building events otherwise. */
  wanted(map: string): boolean {
    return (this.registrants.get(map)?.size ?? 0) > 0;
  }

  emit(map: string, type: EventType, key: string, value: Buffer | undefined, old: Buffer | undefined): void {
    const members = this.registrants.get(map);
    if (!members || members.size === 0) return;
    const event: WireEvent = [map, type, key, value, old, this.spi.local.id];
    for (const id of members) {
      if (id === this.spi.local.id) this.deliver(event);
      else this.spi.send(id, EVENT_SERVICE, event);
    }
  }

  private broadcast(maps: string[], on: boolean): void {
    for (const m of this.spi.view().members) if (m.id !== this.spi.local.id) this.spi.send(m.id, LISTEN_SERVICE, [maps, on]);
  }

  private setRegistrant(map: string, member: string, on: boolean): void {
    let set = this.registrants.get(map);
    if (!set) this.registrants.set(map, (set = new Set()));
    if (on) set.add(member);
    else set.delete(member);
  }

  private deliver([map, type, key, value, old, member]: WireEvent): void {
    const listeners = this.local.get(map);
    if (!listeners) return;
    let decoded: { value?: unknown; oldValue?: unknown } | undefined;
    for (const { listener, includeValue } of listeners) {
      const handler = listener[type];
      if (!handler) continue;
      const event: EntryEvent<unknown> = { type, map, key, member };
      if (includeValue) {
        decoded ??= { value: value && unpack(value), oldValue: old && unpack(old) };
        if (decoded.value !== undefined) event.value = decoded.value;
        if (decoded.oldValue !== undefined) event.oldValue = decoded.oldValue;
      }
      try {
        handler.call(listener, event);
      } catch (err) {
        this.logger.warn(`entry listener on map ${map} failed for key ${key}: ${messageOf(err)}`);
      }
    }
  }
}
