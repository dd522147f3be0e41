import { defineBundle, property } from '../../core/bundle.js';
import { CACHE_SERVICE } from '../cache-jcs/api.js';
import { HEALTH_SECTIONS } from '../http/api.js';
import { MBEANS } from '../management/api.js';
import { InvalidationForwarder } from './forwarder.js';
import { LegacyLiteMember } from './legacy/liteMember.js';
import { BRIDGE_OBJECT_NAME, bridgeHealth, bridgeMBean, type RunningBridge } from './management.js';
import { BIND_ADDRESS, CLIENT_NODES, legacySettings } from './settings.js';

const NAME = 'cluster-upgrade-from-legacy';
const REGIONS = 'com.openexchange.cluster.upgrade.legacy.regions';
const PORT = 'com.openexchange.cluster.upgrade.legacy.port';

const config = {
  [CLIENT_NODES]: property({
    doc: 'Addresses of the legacy cluster for the bridge when the join is not static (the seed\'s property)', format: 'String', default: '',
  }),
  [REGIONS]: property({
    doc: 'Cache regions whose local invalidations are forwarded to the legacy cluster', format: 'String', default: 'Context,OXDBPoolCache',
  }),
  [PORT]: property({
    doc: 'First port the bridge listens on for legacy members (the next free one of 100 is taken)', format: 'port', default: 5701,
  }),
  [BIND_ADDRESS]: property({
    doc: 'IPv4 address the bridge listens on and dials from; empty: the first of com.openexchange.hazelcast.network.interfaces', format: 'String', default: '',
  }),
};

/**
 * `cluster-upgrade-from-legacy`: on the first node of a major upgrade, a 0.1.0 lite member that
 * forwards this node's invalidations of the configured cache regions to the legacy cluster, so its
 * nodes drop entries the update tasks changed. Joins nothing of the new cluster.
 */
export default defineBundle({
  name: NAME,
  version: '0.2.0',
  description: 'forwards cache invalidations to a legacy (0.1.0, grid protocol 2.0) cluster during a major upgrade',
  enabledByDefault: false,
  deps: { cache: CACHE_SERVICE },
  config,
  validate: (c, raw) => legacySettings(raw, c.get(CLIENT_NODES), c.get(BIND_ADDRESS), c.origin(BIND_ADDRESS), c.origin(CLIENT_NODES)).problems,
  async start({ cache }, ctx) {
    const { settings, problems } = legacySettings(ctx.files.values, ctx.config.get(CLIENT_NODES), ctx.config.get(BIND_ADDRESS), ctx.config.origin(BIND_ADDRESS), ctx.config.origin(CLIENT_NODES));
    if (!settings) throw new Error(problems.join('; '));
    const regions = new Set(ctx.config.get(REGIONS).split(',').map((r) => r.trim()).filter((r) => r !== ''));
    const member = new LegacyLiteMember({ ...settings, port: ctx.config.get(PORT), route: ctx.node.route }, ctx.logger);
    const forwarder = new InvalidationForwarder(member, regions, ctx.logger);
    ctx.onStop(() => member.stop());
    ctx.onStop(() => forwarder.close());
    ctx.onStop(cache.onLocalInvalidation((event) => forwarder.offer(event)));
    ctx.logger.info(`legacy bridge: joining legacy cluster "${member.clusterName}" through ${settings.addresses.join(', ')}; forwarding invalidations of ${[...regions].join(', ')}`);
    await member.start();
    const bridge: RunningBridge = { member, forwarder };
    ctx.contribute(MBEANS, { objectName: BRIDGE_OBJECT_NAME, mbean: bridgeMBean(bridge) });
    ctx.contribute(HEALTH_SECTIONS, { name: 'legacyBridge', section: () => bridgeHealth(bridge) });
  },
});
