import { unpack } from 'msgpackr';
import type { Logger } from 'winston';
import type { EntryEvent, EntryListener } from '../api.js';
import type { ClusterSpi } from '../spi/clusterSpi.js';
import { messageOf } from '../partition/participants.js';
import { isMapEvent, isMapInterests } from './mapSchemas.js';

const LISTEN_SERVICE = 'grid.mapListen';
const EVENT_SERVICE = 'grid.mapEvent';

type EventType = EntryEvent<unknown>['type'];
type WireEvent = [map: string, type: EventType, key: string, value: Buffer | undefined | null, old: Buffer | undefined | null, member: string];
/** One member's interest in a map's events, as it announces it: empty `types` withdraws it. */
type WireInterest = [map: string, types: readonly EventType[], values: boolean];

const EVENT_TYPES: readonly EventType[] = ['added', 'updated', 'removed', 'evicted', 'expired'];

interface LocalListener {
  listener: EntryListener<unknown>;
  includeValue: boolean;
}

interface Interest {
  types: ReadonlySet<EventType>;
  values: boolean;
}

/** How much of an event the listening members want: nothing, the event, or the event with values. */
export const Wanted = { NONE: 0, EVENT: 1, VALUES: 2 } as const;
export type Wanted = (typeof Wanted)[keyof typeof Wanted];

/**
 * Cluster-wide entry listeners. Each member tells every other member which maps it listens to,
 * for which event types and whether with values; a partition owner sends each change only to the
 * members that want its type, with values only where a listener asked for them. A listener's
 * handlers are read when it is added.
 */
export class MapEvents {
  /** Map name -> members with listeners on it (this member included) -> what they want. */
  private readonly registrants = new Map<string, Map<string, Interest>>();
  private readonly local = new Map<string, Set<LocalListener>>();

  constructor(private readonly spi: ClusterSpi, private readonly logger: Logger) {
    spi.handle(LISTEN_SERVICE, isMapInterests, (from, interests) => {
      for (const interest of interests) this.setRegistrant(from.id, interest);
    });
    spi.handle(EVENT_SERVICE, isMapEvent, (_from, event) => this.deliver(event));
    spi.onMembershipChange((change) => {
      for (const m of change.removed) for (const members of this.registrants.values()) members.delete(m.id);
      for (const [map, members] of this.registrants) if (members.size === 0) this.registrants.delete(map);
      const mine = [...this.local.keys()].map((map) => this.localInterest(map));
      if (mine.length > 0) for (const m of change.added) spi.send(m.id, LISTEN_SERVICE, mine);
    });
  }

  add(map: string, listener: EntryListener<unknown>, includeValue: boolean): () => void {
    let set = this.local.get(map);
    if (!set) this.local.set(map, (set = new Set()));
    const entry = { listener, includeValue };
    set.add(entry);
    this.announce(map);
    return () => {
      const s = this.local.get(map);
      if (!s?.delete(entry)) return;
      if (s.size === 0) this.local.delete(map);
      this.announce(map);
    };
  }

  /** What the members listening to `map` want of a `type` event: the owner builds no more than that. */
  wanted(map: string, type: EventType): Wanted {
    if (this.registrants.size === 0) return Wanted.NONE;
    let wanted: Wanted = Wanted.NONE;
    for (const interest of this.registrants.get(map)?.values() ?? []) {
      if (!interest.types.has(type)) continue;
      if (interest.values) return Wanted.VALUES;
      wanted = Wanted.EVENT;
    }
    return wanted;
  }

  emit(map: string, type: EventType, key: string, value: Buffer | undefined, old: Buffer | undefined): void {
    const members = this.registrants.get(map);
    if (!members) return;
    const me = this.spi.local.id;
    let full: WireEvent | undefined;
    let bare: WireEvent | undefined;
    for (const [id, interest] of members) {
      if (!interest.types.has(type)) continue;
      const event = interest.values ? (full ??= [map, type, key, value, old, me]) : (bare ??= [map, type, key, undefined, undefined, me]);
      if (id === me) this.deliver(event);
      else this.spi.send(id, EVENT_SERVICE, event);
    }
  }

  /** This member's interest in `map`, from its local listeners' handlers. */
  private localInterest(map: string): WireInterest {
    const listeners = [...this.local.get(map) ?? []];
    const types = EVENT_TYPES.filter((t) => listeners.some((l) => typeof l.listener[t] === 'function'));
    return [map, types, listeners.some((l) => l.includeValue)];
  }

  /** Records and broadcasts this member's (possibly withdrawn) interest in `map`. */
  private announce(map: string): void {
    const interest = this.localInterest(map);
    this.setRegistrant(this.spi.local.id, interest);
    for (const m of this.spi.view().members) if (m.id !== this.spi.local.id) this.spi.send(m.id, LISTEN_SERVICE, [interest]);
  }

  private setRegistrant(member: string, [map, types, values]: WireInterest): void {
    let members = this.registrants.get(map);
    if (!members) this.registrants.set(map, (members = new Map()));
    if (types.length > 0) members.set(member, { types: new Set(types), values });
    else members.delete(member);
    // No entry for a map nobody listens to: `wanted` then answers without a lookup when none has listeners.
    if (members.size === 0) this.registrants.delete(map);
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
