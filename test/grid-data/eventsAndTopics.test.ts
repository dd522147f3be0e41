import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EntryEvent, TopicMessage } from '../../bundles/grid/api.js';
import { gridNode, memberId } from '../support/gridNodes.js';
import { killAll, type NodeProcess } from '../support/nodeProcess.js';
import { repoRoot } from '../support/paths.js';
import { tempConfig } from '../support/tempConfig.js';
import { waitFor } from '../support/waitFor.js';
import { type LiteMember, liteMember, stopLiteMembers, waitClusterSafe } from './support/liteMember.js';
import { startThree } from './support/threeNodes.js';

// Addresses 127.0.5.11-.13 for the nodes; lite members 127.0.5.17 (subscriber process), .18 and .19 (this file only).
const addrs = ['127.0.5.11', '127.0.5.12', '127.0.5.13'];
const P = 'com.openexchange.hazelcast.configuration.map.';
const config = tempConfig({ 'hazelcast/idle.properties': `${P}name=idle\n${P}maxIdleSeconds=2\n${P}readBackupData=true\n` });
let nodes: NodeProcess[] = [];
let watcher: LiteMember;
let writer: LiteMember;

before(async () => {
  const start = (i: number) => gridNode({
    configDir: config.dir, address: addrs[i], route: `OX${i + 1}`, staticNodes: addrs,
    set: { 'com.openexchange.hazelcast.topic.capacity': 16 },
  });
  nodes = await startThree(start);
  watcher = await liteMember('127.0.5.18', addrs);
  writer = await liteMember('127.0.5.19', addrs);
  await waitClusterSafe(addrs, 5);
});
after(async () => {
  await stopLiteMembers();
  await killAll();
  config.remove();
});

test('entry listeners see changes made on other members, TTL expiry included; max idle evicts only idle entries', async () => {
  const events: EntryEvent<string>[] = [];
  watcher.layer.getMap<string>('events').addEntryListener({
    added: (e) => events.push(e), updated: (e) => events.push(e), removed: (e) => events.push(e), expired: (e) => events.push(e),
  });
  const m = writer.layer.getMap<string>('events');
  await waitFor('the listener to be known cluster-wide', async () => {
    await m.put('probe', 'p');
    return events.length > 0;
  }, 10_000, 100);
  events.length = 0;
  await m.put('a', '1');
  await m.put('a', '2');
  await m.remove('a');
  await m.put('t', 'ttl', { ttlSeconds: 1 });
  await waitFor('five events', () => events.length >= 5, 10_000);
  assert.deepEqual(events.map((e) => `${e.type} ${e.key} ${e.oldValue ?? ''}>${e.value ?? ''}`), ['added a >1', 'updated a 1>2', 'removed a 2>', 'added t >ttl', 'expired t ttl>']);
  const ids = await Promise.all(nodes.map((n) => memberId(n)));
  assert.ok(events.every((e) => ids.includes(e.member)), 'events come from the owning node');
  assert.equal(await m.get('t'), undefined);

  const idle = writer.layer.getMap<string>('idle');
  await idle.put('kept', 'k');
  await idle.put('idle', 'i');
  await waitFor('the idle entry evicted while the other one is read', async () => {
    assert.equal(await idle.get('kept'), 'k');
    return !(await watcher.layer.getMap('idle').keys()).includes('idle');
  }, 15_000, 300);
  assert.equal(await watcher.layer.getMap('idle').get('kept'), 'k');
});

test('a reliable topic keeps one publisher\'s order with consecutive sequence numbers across nodes', async () => {
  const got: TopicMessage<number>[] = [];
  watcher.layer.getTopic<number>('ordered').subscribe({ message: (m) => got.push(m) });
  const pub = writer.layer.getTopic<number>('ordered');
  await waitFor('the subscriber to read', async () => {
    await pub.publish(-1);
    return got.length > 0;
  }, 10_000, 100);
  const base = got.length;
  await Promise.all(Array.from({ length: 200 }, (_, i) => pub.publish(i)));
  await waitFor('200 messages', () => got.length >= base + 200, 10_000);
  const tail = got.slice(base);
  assert.deepEqual(tail.map((m) => m.payload), Array.from({ length: 200 }, (_, i) => i));
  tail.forEach((m, i) => i > 0 && assert.equal(m.sequence, tail[i - 1].sequence + 1));
  assert.equal(tail[0].publisher, writer.node.local.id);
});

test('a subscriber that was stopped while the ring wrapped around reports the gap', async () => {
  const script = join(repoRoot, 'dist', 'test', 'grid-data', 'support', 'topicSubscriber.js');
  const child = spawn(process.execPath, [script, '127.0.5.17', addrs.join(','), 'gappy'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout.on('data', (c: Buffer) => {
    const parts = (rest + c.toString()).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  try {
    const pub = writer.layer.getTopic<number>('gappy');
    await waitFor('the subscriber process to read', async () => {
      await pub.publish(-1);
      return lines.some((l) => l.startsWith('msg '));
    }, 20_000, 200);
    child.kill('SIGSTOP');
    for (let i = 0; i < 40; i++) await pub.publish(i);
    child.kill('SIGCONT');
    await pub.publish(1000);
    const gap = await waitFor('a gap line', () => lines.find((l) => l.startsWith('gap ')), 10_000);
    const [from, to] = gap.split(' ').slice(1).map(Number);
    // The subscriber's parked read is answered by the first of the 40 (it arrives after SIGCONT); of the
    // other 39, the ring (capacity 16) lost at least 39 - 16.
    assert.ok(to - from + 1 >= 39 - 16, `gap ${from}..${to} covers the overwritten messages`);
    await waitFor('the last message after the gap', () => lines.some((l) => l.startsWith('msg ') && l.endsWith(' 1000')), 10_000);
    const seqs = lines.filter((l) => l.startsWith('msg ')).map((l) => Number(l.split(' ')[1]));
    assert.ok(seqs.every((s) => s < from || s > to), 'nothing inside the gap was delivered');
  } finally {
    child.kill('SIGKILL');
  }
});
