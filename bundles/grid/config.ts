import { property, type PropertySpec } from '../../core/bundle.js';
import { dataConfigSchema } from './data/dataConfig.js';

/** Hazelcast's stock group password: a warning is logged while it is in use. */
export const DEFAULT_GROUP_PASSWORD = 'wtV6$VQk8#+3ds!a';

/**
 * Keys of OX's stock `hazelcast.properties` that configure Hazelcast features oxkernel's grid does
 * not have: accepted (so `config check` does not call them misspelled) and without effect.
 * (`network.client.nodes` belongs to the legacy bridge, which reads it.)
 */
const OX_KEYS_WITHOUT_EFFECT = [
  'com.openexchange.hazelcast.jmxDetailed', 'com.openexchange.hazelcast.logging.enabled', 'com.openexchange.hazelcast.memcache.enabled',
  'com.openexchange.hazelcast.rest.enabled', 'com.openexchange.hazelcast.network.enableIPv6Support',
  'com.openexchange.hazelcast.socket.bindAny', 'com.openexchange.hazelcast.network.symmetricEncryption',
  'com.openexchange.hazelcast.network.symmetricEncryption.algorithm', 'com.openexchange.hazelcast.network.symmetricEncryption.salt',
  'com.openexchange.hazelcast.network.symmetricEncryption.password', 'com.openexchange.hazelcast.network.symmetricEncryption.iterationCount',
] as const;

const withoutEffect = Object.fromEntries(OX_KEYS_WITHOUT_EFFECT.map((key) => [key, property({
  doc: 'OX Hazelcast setting without effect in oxkernel (accepted for OX configuration files)', format: 'String', default: '', sensitive: key.endsWith('.password') || key.endsWith('.salt'),
})])) as { [K in (typeof OX_KEYS_WITHOUT_EFFECT)[number]]: PropertySpec<string> };

/**
 * The grid's properties. Defaults equal `config/hazelcast.properties`. The seed's names are the keys;
 * later Open-Xchange names are aliases. `hazelcast.*` keys are Hazelcast's own, which OX passes through.
 */
export const gridConfig = {
  'com.openexchange.hazelcast.enabled': property({
    doc: 'Run the grid on this node; false: no grid service at all', format: 'Boolean', default: true,
  }),
  'com.openexchange.hazelcast.jmx': property({
    doc: 'Contribute the grid\'s MBeans (com.hazelcast:*) to the management bundle', format: 'Boolean', default: true,
  }),
  'com.openexchange.hazelcast.group.name': property({
    doc: 'Cluster name; only nodes with the same name form a cluster (required unless the join is empty)', format: 'String', default: '',
  }),
  'com.openexchange.hazelcast.group.password': property({
    doc: 'Shared secret: a key derived from it (scrypt) is proven by an HMAC challenge-response; never sent', format: 'String', default: DEFAULT_GROUP_PASSWORD, sensitive: true,
  }),
  'com.openexchange.hazelcast.network.interfaces': property({
    doc: 'Comma-separated addresses to bind, with * wildcards and a-b ranges; empty: all interfaces', format: 'String', default: '127.0.0.1',
  }),
  'com.openexchange.hazelcast.network.join': property({
    doc: 'Discovery: empty, static or multicast', format: ['empty', 'static', 'multicast'] as const, default: 'empty' as 'empty' | 'static' | 'multicast',
  }),
  'com.openexchange.hazelcast.network.join.static.nodes': property({
    doc: 'Comma-separated host[:port] list probed at start and periodically', format: 'String', default: '',
  }),
  'com.openexchange.hazelcast.network.join.multicast.group': property({
    doc: 'Multicast group for discovery', format: 'String', default: '224.2.2.3',
  }),
  'com.openexchange.hazelcast.network.join.multicast.port': property({
    doc: 'Multicast port for discovery', format: 'port', default: 54327,
  }),
  'com.openexchange.hazelcast.network.join.probeInterval': property({
    doc: 'How often the master looks for lone members and other clusters through the join mechanism', format: 'duration', default: 3000,
  }),
  'com.openexchange.hazelcast.networkConfig.port': property({
    doc: 'Grid listener port', format: 'port', default: 5701, aliases: ['com.openexchange.hazelcast.network.port'],
  }),
  'com.openexchange.hazelcast.networkConfig.portAutoIncrement': property({
    doc: 'Take the next free port when the port is in use (100 ports in all)', format: 'Boolean', default: true,
    aliases: ['com.openexchange.hazelcast.network.portAutoIncrement'],
  }),
  'com.openexchange.hazelcast.networkConfig.outboundPortDefinitions': property({
    doc: 'Local ports for outgoing connections, e.g. 35000-35100 or 36001,36002; empty: ephemeral', format: 'String', default: '',
    aliases: ['com.openexchange.hazelcast.network.outboundPortDefinitions'],
  }),
  'com.openexchange.hazelcast.mergeFirstRunDelay': property({
    doc: 'Delay before the first split-brain merge check', format: 'duration', default: 120_000,
    aliases: ['com.openexchange.hazelcast.merge.firstRunDelay'],
  }),
  'com.openexchange.hazelcast.mergeRunDelay': property({
    doc: 'Delay between split-brain merge checks', format: 'duration', default: 120_000,
    aliases: ['com.openexchange.hazelcast.merge.runDelay'],
  }),
  'com.openexchange.hazelcast.liteMember': property({
    doc: 'A full member that holds no data', format: 'Boolean', default: false,
  }),
  'com.openexchange.hazelcast.cluster.version.autoUpgrade': property({
    doc: 'Move the cluster version up by itself when the last member of an older protocol minor is gone (else: oxk cluster version --upgrade)', format: 'Boolean', default: true,
  }),
  'com.openexchange.hazelcast.maxOperationTimeout': property({
    doc: 'Default timeout in ms of a request to another member', format: 'nat', default: 5000,
  }),
  'com.openexchange.hazelcast.clockSkew.warnThreshold': property({
    doc: 'Clock offset to a member (measured by request/response) above which, over 5 samples in a row, a warning is logged', format: 'duration', default: 1000,
  }),
  'com.openexchange.hazelcast.network.maxFrameSize': property({
    doc: 'Largest frame in bytes accepted from a peer; larger ones drop the connection', format: 'nat', default: 64 * 1024 * 1024,
  }),
  'com.openexchange.hazelcast.network.handshake.timeout': property({
    doc: 'Deadline from accept (or connect) for the handshake, TLS included; a peer that has not completed it is dropped', format: 'duration', default: 5000,
  }),
  'com.openexchange.hazelcast.network.handshake.maxPending': property({
    doc: 'Inbound grid connections still in handshake at once, in all; more are closed at once', format: 'nat', default: 64,
  }),
  'com.openexchange.hazelcast.network.handshake.maxPendingPerAddress': property({
    doc: 'Inbound grid connections still in handshake at once from one remote address; more are closed at once', format: 'nat', default: 16,
  }),
  'com.openexchange.hazelcast.network.tls.enabled': property({
    doc: 'TLS between members; both sides present and verify certificates', format: 'Boolean', default: false,
  }),
  'com.openexchange.hazelcast.network.tls.certificate': property({
    doc: 'PEM certificate file of this member', format: 'String', default: '',
  }),
  'com.openexchange.hazelcast.network.tls.key': property({
    doc: 'PEM private key file of this member', format: 'String', default: '', sensitive: true,
  }),
  'com.openexchange.hazelcast.network.tls.ca': property({
    doc: 'PEM file of the CA(s) that signed the members\' certificates', format: 'String', default: '',
  }),
  'hazelcast.heartbeat.interval.seconds': property({
    doc: 'Seconds between heartbeats to every member', format: 'nat', default: 1, reloadable: true,
  }),
  'hazelcast.max.no.heartbeat.seconds': property({
    doc: 'Seconds without any frame from a member before it is suspected', format: 'nat', default: 10, reloadable: true,
  }),
  ...dataConfigSchema,
  ...withoutEffect,
};
