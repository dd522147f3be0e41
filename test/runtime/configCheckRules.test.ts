import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

// No addresses: every configuration here is refused before anything listens.
const config = tempConfig();
after(() => config.remove());

/** One case per cross-key rule of a bundle's `validate`: the overrides that break it and the line config check must print. */
const RULES: { rule: string; set: Record<string, string>; line: RegExp }[] = [
  { rule: 'a static join needs a group name', set: { 'com.openexchange.hazelcast.network.join': 'static' }, line: /^hazelcast\.properties:\d+ com\.openexchange\.hazelcast\.group\.name: required when com\.openexchange\.hazelcast\.network\.join is "static"$/m },
  { rule: 'a multicast join needs a group name', set: { 'com.openexchange.hazelcast.network.join': 'multicast' }, line: /^hazelcast\.properties:\d+ com\.openexchange\.hazelcast\.group\.name: required when com\.openexchange\.hazelcast\.network\.join is "multicast"$/m },
  { rule: 'grid TLS needs a certificate', set: { 'com.openexchange.hazelcast.network.tls.enabled': 'true', 'com.openexchange.hazelcast.network.tls.key': '/k.pem', 'com.openexchange.hazelcast.network.tls.ca': '/ca.pem' }, line: /^\S+ com\.openexchange\.hazelcast\.network\.tls\.certificate: required when grid TLS is enabled$/m },
  { rule: 'grid TLS needs a key', set: { 'com.openexchange.hazelcast.network.tls.enabled': 'true', 'com.openexchange.hazelcast.network.tls.certificate': '/c.pem', 'com.openexchange.hazelcast.network.tls.ca': '/ca.pem' }, line: /^\S+ com\.openexchange\.hazelcast\.network\.tls\.key: required when grid TLS is enabled$/m },
  { rule: 'grid TLS needs a CA', set: { 'com.openexchange.hazelcast.network.tls.enabled': 'true', 'com.openexchange.hazelcast.network.tls.certificate': '/c.pem', 'com.openexchange.hazelcast.network.tls.key': '/k.pem' }, line: /^\S+ com\.openexchange\.hazelcast\.network\.tls\.ca: required when grid TLS is enabled$/m },
  { rule: 'the heartbeat interval is at least 1 s', set: { 'hazelcast.heartbeat.interval.seconds': '0' }, line: /^--set hazelcast\.heartbeat\.interval\.seconds: must be at least 1$/m },
  { rule: 'max.no.heartbeat is larger than the interval', set: { 'hazelcast.heartbeat.interval.seconds': '5', 'hazelcast.max.no.heartbeat.seconds': '5' }, line: /^--set hazelcast\.max\.no\.heartbeat\.seconds: 5 must be larger than hazelcast\.heartbeat\.interval\.seconds \(5\)$/m },
  { rule: 'the interfaces name addresses', set: { 'com.openexchange.hazelcast.network.interfaces': 'not-an-address' }, line: /^--set com\.openexchange\.hazelcast\.network\.interfaces: /m },
  { rule: 'the outbound port definitions are ports', set: { 'com.openexchange.hazelcast.networkConfig.outboundPortDefinitions': 'x-y' }, line: /^--set com\.openexchange\.hazelcast\.networkConfig\.outboundPortDefinitions: /m },
  { rule: 'there is at least one partition', set: { 'hazelcast.partition.count': '0' }, line: /^--set hazelcast\.partition\.count: must be at least 1, got 0$/m },
  { rule: 'a SameSite=None cookie must be secure', set: { 'com.openexchange.cookie.sameSite': 'None' }, line: /^--set com\.openexchange\.cookie\.sameSite: None needs com\.openexchange\.cookie\.secure=true/m },
];

const sets = (set: Record<string, string>) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('every cross-key rule start enforces is reported by oxk config check', () => {
  it('the stock configuration passes both', async () => {
    const check = await runOxk(['config', 'check', '--config', config.dir]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });

  for (const { rule, set, line } of RULES) {
    it(rule, async () => {
      const check = await runOxk(['config', 'check', '--config', config.dir, ...sets(set)]);
      assert.equal(check.code, 2, check.stdout + check.stderr);
      assert.match(check.stdout, line);
      const start = await runOxk(['start', '--config', config.dir, ...sets(set)]);
      assert.equal(start.code, 2, start.stdout + start.stderr);
      assert.match(start.stderr, new RegExp(`^error: ${line.source.slice(1)}`, 'm'));
    });
  }
});
