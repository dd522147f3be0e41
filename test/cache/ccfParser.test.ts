import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PropertiesFile } from '../../core/config/propertiesFile.js';
import { CcfError, parseCcf } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { defaultConfigDir } from '../support/paths.js';

const ccf = (text: string) => parseCcf(PropertiesFile.parse('cache.ccf', text));

function problems(text: string): string[] {
  try {
    ccf(text);
  } catch (err) {
    assert.ok(err instanceof CcfError, `expected a CcfError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected cache.ccf to be refused');
}

const LTCP = [
  'jcs.auxiliary.LTCP=org.apache.jcs.auxiliary.lateral.socket.tcp.LateralTCPCacheFactory',
  'jcs.auxiliary.LTCP.attributes=org.apache.jcs.auxiliary.lateral.socket.tcp.TCPLateralCacheAttributes',
].join('\n');

describe('cache.ccf parser', () => {
  it('loads the stock Open-Xchange cache.ccf without a warning', () => {
    const model = parseCcf(PropertiesFile.parse('cache.ccf', readFileSync(join(defaultConfigDir, 'cache.ccf'))));
    assert.deepEqual(model.warnings, []);
    for (const name of ['User', 'Context', 'OXFolderCache', 'GlobalFolderCache', 'OXMessageCache', 'OXDBPoolCache']) {
      assert.ok(model.regions.has(name), `region ${name}`);
    }
    const user = model.regions.get('User')!;
    assert.deepEqual(user.auxiliaries, ['LTCP']);
    assert.equal(user.distributed, true);
    assert.equal(user.maxObjects, 40000);
    assert.equal(user.maxLifeSeconds, -1);
    assert.equal(user.idleTimeSeconds, 360);
    const messages = model.regions.get('OXMessageCache')!;
    assert.deepEqual(messages.auxiliaries, []);
    assert.equal(messages.distributed, false);
    assert.equal(messages.maxObjects, 10_000_000);
    assert.equal(messages.maxSpoolPerRun, 500);
    const folders = model.regions.get('OXFolderCache')!;
    assert.equal(folders.maxLifeSeconds, 300);
    assert.equal(folders.maxMemoryIdleTimeSeconds, 180);
    assert.equal(folders.useMemoryShrinker, true);
    assert.equal(folders.isEternal, false);
    assert.equal(model.defaults.distributed, true);
    assert.equal(model.defaults.idleTimeSeconds, 1800);
    assert.equal(model.lateral?.name, 'LTCP');
    assert.equal(model.lateral?.tcpListenerPort, 57462);
    assert.deepEqual(model.lateral?.tcpServers, []);
    assert.equal(model.lateral?.udpDiscoveryEnabled, false);
    assert.equal(model.lateral?.receive, true);
    assert.equal(model.lateral?.issueRemoveOnPut, false);
  });

  it('inherits every attribute a region leaves out from jcs.default, then from JCS', () => {
    const model = ccf([
      'jcs.default=',
      'jcs.default.cacheattributes.MaxObjects=77',
      'jcs.default.elementattributes.IdleTime=9',
      'jcs.region.Plain=',
      'jcs.region.Tuned=',
      'jcs.region.Tuned.elementattributes.IdleTime=3',
    ].join('\n'));
    const plain = model.regions.get('Plain')!;
    assert.equal(plain.maxObjects, 77);
    assert.equal(plain.idleTimeSeconds, 9);
    assert.equal(plain.maxMemoryIdleTimeSeconds, 7200);
    assert.equal(model.regions.get('Tuned')!.idleTimeSeconds, 3);
    assert.equal(model.regions.get('Tuned')!.maxObjects, 77);
  });

  it('reads LTCP attributes: servers, ports, flags, in any letter case of the first letter', () => {
    const model = ccf([
      LTCP,
      'jcs.auxiliary.LTCP.attributes.TcpServers=127.0.7.2:57462, node3:5000,[::1]:7',
      'jcs.auxiliary.LTCP.attributes.tcpListenerPort=6000',
      'jcs.auxiliary.LTCP.attributes.UdpDiscoveryEnabled=TRUE',
      'jcs.auxiliary.LTCP.attributes.UdpDiscoveryAddr=239.1.2.3',
      'jcs.auxiliary.LTCP.attributes.UdpDiscoveryPort=7000',
      'jcs.auxiliary.LTCP.attributes.IssueRemoveOnPut=true',
      'jcs.region.com.example.Dotted=LTCP',
      'jcs.region.com.example.Dotted.cacheattributes.maxObjects=5',
    ].join('\n'));
    assert.deepEqual(model.lateral?.tcpServers, [{ host: '127.0.7.2', port: 57462 }, { host: 'node3', port: 5000 }, { host: '::1', port: 7 }]);
    assert.equal(model.lateral?.tcpListenerPort, 6000);
    assert.equal(model.lateral?.udpDiscoveryEnabled, true);
    assert.equal(model.lateral?.udpDiscoveryAddr, '239.1.2.3');
    assert.equal(model.lateral?.udpDiscoveryPort, 7000);
    assert.equal(model.lateral?.issueRemoveOnPut, true);
    const dotted = model.regions.get('com.example.Dotted')!;
    assert.equal(dotted.maxObjects, 5);
    assert.equal(dotted.distributed, true);
  });

  it('warns with file:line about unknown attributes and settings it does not implement', () => {
    const model = ccf([
      LTCP,
      'jcs.region.A=LTCP',
      'jcs.region.A.cacheattributes.MaxObjekts=5',
      'jcs.region.A.elementattributes.Colour=blue',
      'jcs.region.A.cacheattributes.MemoryCacheName=org.apache.jcs.engine.memory.mru.MRUMemoryCache',
      'jcs.auxiliary.LTCP.attributes.Bogus=1',
      'jcs.auxiliary.DC=org.apache.jcs.auxiliary.disk.indexed.IndexedDiskCacheFactory',
      'jcs.region.B=DC',
    ].join('\n'));
    assert.equal(model.warnings.length, 5, model.warnings.join('\n'));
    assert.match(model.warnings[0]!, /^cache\.ccf:4 jcs\.region\.A\.cacheattributes\.MaxObjekts: unknown cache attribute "MaxObjekts"/);
    assert.match(model.warnings[1]!, /^cache\.ccf:5 .*unknown element attribute "Colour"/);
    assert.match(model.warnings[2]!, /^cache\.ccf:6 .*only LRUMemoryCache/);
    assert.match(model.warnings[3]!, /^cache\.ccf:7 .*unknown auxiliary attribute "Bogus"/);
    assert.match(model.warnings[4]!, /^cache\.ccf:8 .*auxiliary DC .* is not implemented/);
    assert.equal(model.regions.get('B')!.distributed, false);
    assert.equal(model.regions.get('A')!.distributed, true);
  });

  it('refuses malformed lines and bad values, naming each file:line at once', () => {
    const found = problems([
      'jcs.region.A=',
      'jcs.region.A.cacheattributes.MaxObjects=many',
      'jcs.regoin.B=',
      'jcs.region.A.elementattributes.IsEternal=yes',
      'just some words',
      LTCP,
      'jcs.auxiliary.LTCP.attributes.TcpServers=host-without-port',
      'jcs.auxiliary.LTCP.attributes.TcpListenerPort=70000',
      'jcs.region.A.cacheattributes.MaxObjects.Extra=1',
    ].join('\n'));
    assert.equal(found.length, 7, found.join('\n'));
    assert.match(found[0]!, /^cache\.ccf:2 jcs\.region\.A\.cacheattributes\.MaxObjects: "many" is not an integer/);
    assert.match(found[1]!, /^cache\.ccf:3 jcs\.regoin\.B: malformed/);
    assert.match(found[2]!, /^cache\.ccf:4 .*"yes" is not true or false/);
    assert.match(found[3]!, /^cache\.ccf:5 just: malformed/);
    assert.match(found[4]!, /^cache\.ccf:8 .*"host-without-port" is not host:port/);
    assert.match(found[5]!, /^cache\.ccf:9 .*70000 is not a port/);
    assert.match(found[6]!, /^cache\.ccf:10 jcs\.region\.A\.cacheattributes\.MaxObjects\.Extra: malformed/);
  });

  it('refuses a region naming an auxiliary that is not defined', () => {
    const found = problems(['jcs.default=', 'jcs.region.User=LTCP'].join('\n'));
    assert.deepEqual(found, ['cache.ccf:2 jcs.region.User: region User names unknown auxiliary LTCP (no jcs.auxiliary.LTCP in cache.ccf)']);
    assert.match(problems('jcs.default=LTCP')[0]!, /^cache\.ccf:1 jcs\.default: region default names unknown auxiliary LTCP/);
    assert.match(problems(`${LTCP}\njcs.auxiliary.LTCP.attributes.TcpServers=node2:0`)[0]!, /^cache\.ccf:3 .*"node2:0": port 0 cannot be connected to/);
  });
});
