import { type MBean, type MBeanAttribute, objectNameValue } from '../../management/api.js';
import type { GridMember, GridService, PartitionInfo } from '../api.js';
import { clusterServiceMBean } from './clusterServiceMBean.js';
import { entryViewOperation } from './entryViewOperation.js';
import type { GridInsight } from './gridInsight.js';

export const HAZELCAST_DOMAIN = 'com.hazelcast';

/** Attributes of `type=IMap` with Hazelcast's names, from the grid's local map statistics. */
const MAP_STATS = [
  ['localOwnedEntryCount', 'ownedEntryCount', 'Entries owned by this member'],
  ['localBackupEntryCount', 'backupEntryCount', 'Backup entries held by this member'],
  ['localOwnedEntryMemoryCost', 'ownedEntryMemoryCost', 'Approximate bytes of the owned entries'],
  ['localHits', 'hits', 'Reads that found an entry'],
  ['localGetOperationCount', 'getOperationCount', 'get operations'],
  ['localPutOperationCount', 'putOperationCount', 'put operations'],
  ['localRemoveOperationCount', 'removeOperationCount', 'remove operations'],
  ['localTotalGetLatency', 'totalGetLatencyMs', 'Total get latency (ms)'],
  ['localTotalPutLatency', 'totalPutLatencyMs', 'Total put latency (ms)'],
  ['localTotalRemoveLatency', 'totalRemoveLatencyMs', 'Total remove latency (ms)'],
  ['localLastUpdateTime', 'lastUpdateTime', 'Last update (ms since the epoch)'],
] as const;

/**
 * The grid's MBeans, Hazelcast style, built from the grid's public api plus the operators' figures of `GridInsight`, and contributed
 * to management's MBEANS point. Members, maps and topics come and go: `wanted()` names the MBeans that should exist right now, each
 * with a factory.
 */
export class GridMBeans {
  private readonly instance: string;

  constructor(private readonly grid: GridService, private readonly insight: GridInsight) {
    this.instance = objectNameValue(grid.localMember.route);
  }

  wanted(): Map<string, () => MBean> {
    const beans = new Map<string, () => MBean>();
    const inst = this.instance;
    beans.set(`${HAZELCAST_DOMAIN}:type=HazelcastInstance,name=${inst}`, () => this.instanceMBean());
    beans.set(`${HAZELCAST_DOMAIN}:type=PartitionService,instance=${inst},name=${inst}`, () => this.partitionMBean());
    beans.set(`${HAZELCAST_DOMAIN}:type=ClusterService,instance=${inst},name=${inst}`, () => clusterServiceMBean(this.grid));
    for (const m of this.grid.members()) beans.set(`${HAZELCAST_DOMAIN}:type=Member,instance=${inst},name=${objectNameValue(m.address)}`, () => this.memberMBean(m));
    for (const name of this.grid.mapNames()) beans.set(`${HAZELCAST_DOMAIN}:type=IMap,instance=${inst},name=${objectNameValue(name)}`, () => this.mapMBean(name));
    for (const name of this.grid.topicNames()) beans.set(`${HAZELCAST_DOMAIN}:type=Topic,instance=${inst},name=${objectNameValue(name)}`, () => this.topicMBean(name));
    return beans;
  }

  private master(): GridMember | undefined {
    return this.grid.members()[0];
  }

  private instanceMBean(): MBean {
    const g = this.grid;
    return {
      className: 'com.hazelcast.jmx.InstanceMBean',
      description: 'This member\'s view of the cluster',
      attributes: [
        str('name', () => g.localMember.route, 'Instance name (the node\'s route)'),
        str('groupName', () => g.clusterName, 'Effective cluster name (group name plus protocol major)'),
        str('version', () => g.localMember.version, 'Grid protocol version'),
        str('codebaseVersion', () => g.codebaseVersion, 'Package version of this member'),
        str('clusterVersion', () => g.clusterVersion(), 'Grid protocol major.minor the cluster runs at'),
        str('clusterState', () => g.clusterState(), 'ACTIVE, NO_MIGRATION, FROZEN or PASSIVE'),
        str('localMember', () => g.localMember.address),
        str('master', () => this.master()?.address ?? '', 'Address of the master (oldest member)'),
        bool('localMemberIsMaster', () => g.isMaster()),
        int('memberCount', () => g.members().length),
        { name: 'members', type: '[Ljava.lang.String;', description: 'Member addresses, oldest first', get: () => g.members().map((m) => m.address) },
        bool('clusterSafe', () => g.isClusterSafe(), 'Every partition has all its backups in sync'),
        int('partitionCount', () => g.partitionCount()),
        {
          name: 'clockSkewWarnings', type: 'java.util.List', get: () => this.insight.clockSkewWarnings(),
          description: 'Clock skews in force now: {member (address), skewMs (positive: the member is ahead), since (ms since the epoch)}',
        },
      ],
    };
  }

  private partitionMBean(): MBean {
    const g = this.grid;
    const perMember = (pick: (p: PartitionInfo) => string[]) => () => {
      const partitions = g.partitions();
      return Object.fromEntries(g.members().map((m) => [m.address, partitions.filter((p) => pick(p).some((x) => isMember(x, m))).length]));
    };
    const local = (pick: (p: PartitionInfo) => string[]) => () => g.partitions().filter((p) => pick(p).some((x) => isMember(x, g.localMember))).length;
    return {
      className: 'com.hazelcast.jmx.PartitionServiceMBean',
      description: 'Partition table as this member sees it',
      attributes: [
        int('partitionCount', () => g.partitionCount()),
        int('activePartitionCount', () => g.partitions().filter((p) => p.owner !== undefined).length, 'Partitions that have an owner'),
        bool('clusterSafe', () => g.isClusterSafe()),
        int('partitionsLost', () => g.partitionLoss().partitionsLost, 'Partitions that lost data (every replica gone) since this member started, counted per loss'),
        { name: 'lastPartitionLossTime', type: 'long', description: 'Time of the last partition loss (ms since the epoch), 0 when none', get: () => g.partitionLoss().lastLossTime ?? 0 },
        { name: 'lostPartitions', type: 'java.util.List', description: 'Partitions that lost data since this member started', get: () => g.partitionLoss().lostPartitions },
        int('localOwnedPartitionCount', local(owner)),
        int('localBackupPartitionCount', local(backups)),
        { name: 'ownedPartitionCounts', type: 'java.util.Map', description: 'Owned partitions per member address', get: perMember(owner) },
        { name: 'backupPartitionCounts', type: 'java.util.Map', description: 'Backup replicas per member address', get: perMember(backups) },
        {
          name: 'partitionTable', type: 'java.util.List', get: () => this.partitionTable(),
          description: 'Every partition: {id, owner (member address, \'\' when none), backups (addresses), migrating}',
        },
        int('migrationsRunning', () => this.insight.migrationsRunning(), 'Replica migrations running or queued as this member knows them (the master knows all)'),
        {
          name: 'partitionGroups', type: 'java.util.List', get: () => this.insight.partitionGroups(),
          description: 'Custom partition groups: {name (its interface patterns), members (addresses)}; empty when not custom',
        },
      ],
    };
  }

  private partitionTable(): { id: number; owner: string; backups: string[]; migrating: boolean }[] {
    const addresses = new Map(this.grid.members().map((m) => [m.id, m.address]));
    const address = (ref: string) => addresses.get(ref) ?? ref;
    return this.grid.partitions().map((p) => ({
      id: p.id,
      owner: p.owner === undefined ? '' : address(p.owner),
      backups: p.backups.map(address),
      migrating: this.insight.isMigrating(p.id),
    }));
  }

  /** Reads the member live by address: a node restarted on the same address is a new member under the same name. */
  private memberMBean(first: GridMember): MBean {
    const g = this.grid;
    const member = () => g.members().find((x) => x.address === first.address) ?? first;
    const count = (pick: (p: PartitionInfo) => string[]) => () => g.partitions().filter((p) => pick(p).some((x) => isMember(x, member()))).length;
    const vitals = () => this.insight.vitals(member()) ?? { heapUsed: 0, heapTotal: 0, rss: 0, heartbeatAgeMs: 0 };
    return {
      className: 'com.hazelcast.jmx.MemberMBean',
      description: `Member ${first.address}`,
      attributes: [
        str('address', () => member().address),
        str('route', () => member().route, 'com.openexchange.server.backendRoute of the member'),
        str('version', () => member().version, 'Grid protocol major.minor it speaks'),
        str('codebaseVersion', () => member().codebase ?? '', 'Its package version'),
        str('uuid', () => member().id),
        bool('master', () => this.master()?.id === member().id),
        bool('localMember', () => g.localMember.id === member().id),
        bool('liteMember', () => member().lite),
        bool('dataMember', () => member().dataMember, 'Holds partitions (not lite, inside a partition group)'),
        int('ownedPartitionCount', count(owner)),
        int('backupPartitionCount', count(backups)),
        long('heapUsed', () => vitals().heapUsed, 'V8 heap used (bytes), as last reported by the member'),
        long('heapTotal', () => vitals().heapTotal, 'V8 heap size (bytes), as last reported by the member'),
        long('rss', () => vitals().rss, 'Resident set size (bytes), as last reported by the member'),
        long('heartbeatAgeMs', () => vitals().heartbeatAgeMs, 'Ms since the last heartbeat from the member (0 for this member)'),
        str('partitionGroup', () => this.insight.partitionGroups().find((pg) => pg.members.includes(member().address))?.name ?? '', 'Its custom partition group (\'\' when groups are not custom)'),
      ],
    };
  }

  private mapMBean(name: string): MBean {
    const map = () => this.grid.getMap(name);
    return {
      className: 'com.hazelcast.jmx.MapMBean',
      description: `Distributed map ${name}`,
      attributes: [
        str('name', () => name),
        ...MAP_STATS.map(([attr, stat, description]): MBeanAttribute => ({ name: attr, type: 'long', description, get: () => map().localStats()[stat] })),
      ],
      operations: [
        { name: 'size', description: 'Entries in the whole cluster', params: [], returnType: 'int', invoke: () => map().size() },
        { name: 'clear', description: 'Removes every entry cluster-wide', params: [], returnType: 'void', invoke: () => map().clear() },
        entryViewOperation(map),
      ],
    };
  }

  private topicMBean(name: string): MBean {
    const stats = () => this.grid.getTopic(name).localStats();
    return {
      className: 'com.hazelcast.jmx.ReliableTopicMBean',
      description: `Reliable topic ${name}`,
      attributes: [
        str('name', () => name),
        { name: 'localPublishOperationCount', type: 'long', description: 'Messages published from this member', get: () => stats().published },
        { name: 'localReceiveOperationCount', type: 'long', description: 'Messages received by this member', get: () => stats().received },
        { name: 'localGapCount', type: 'long', description: 'Gaps (lost messages) seen by this member', get: () => stats().gaps },
        long('subscriberLag', () => stats().subscriberLag, 'Messages the subscribers on this member are behind the ring\'s tail (as of their last read)'),
        int('subscriberCount', () => stats().subscriberCount, 'Subscribers on this member'),
      ],
    };
  }
}

const owner = (p: PartitionInfo) => (p.owner === undefined ? [] : [p.owner]);
const backups = (p: PartitionInfo) => p.backups;

/** Partition tables may name members by id or by address. */
function isMember(ref: string, m: GridMember): boolean {
  return ref === m.id || ref === m.address;
}

function str(name: string, get: () => string, description?: string): MBeanAttribute {
  return { name, type: 'java.lang.String', description, get };
}

function bool(name: string, get: () => boolean, description?: string): MBeanAttribute {
  return { name, type: 'boolean', description, get };
}

function int(name: string, get: () => number, description?: string): MBeanAttribute {
  return { name, type: 'int', description, get };
}

function long(name: string, get: () => number, description?: string): MBeanAttribute {
  return { name, type: 'long', description, get };
}
