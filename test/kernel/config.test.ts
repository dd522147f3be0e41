import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { property } from '../../core/bundle.js';
import { resolveBundleConfig } from '../../core/config/bundleConfig.js';
import { ConfigFolder } from '../../core/config/configFolder.js';
import grid from '../../bundles/grid/index.js';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oxk-cfg-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const schema = {
  'x.port': property({ doc: 'a port', format: 'port', default: 5701 }),
  'x.join': property({ doc: 'join mode', format: ['empty', 'static', 'multicast'] as const, default: 'empty' }),
  'x.join.static.nodes': property({ doc: 'nodes', format: 'Array', default: [] as string[] }),
  'x.delay': property({ doc: 'a delay', format: 'duration', default: 120_000, aliases: ['x.later.delay'] }),
  'x.flag': property({ doc: 'a flag', format: 'Boolean', default: true }),
  'x.secret': property({ doc: 'a secret', format: 'int', default: 1, sensitive: true }),
};

describe('bundle configuration', () => {
  it('coerces values from files (a key can be both a leaf and a parent)', () => {
    const dir = folder({ 'a.properties': 'x.port=5801\nx.join=static\nx.join.static.nodes=127.0.0.1, 127.0.0.2:5702\nx.delay=5m\nx.flag=FALSE\n' });
    const { config, problems } = resolveBundleConfig(schema, ConfigFolder.load(dir).values);
    assert.deepEqual(problems, []);
    assert.equal(config.get('x.port'), 5801);
    assert.equal(config.get('x.join'), 'static');
    assert.deepEqual(config.get('x.join.static.nodes'), ['127.0.0.1', '127.0.0.2:5702']);
    assert.equal(config.get('x.delay'), 300_000);
    assert.equal(config.get('x.flag'), false);
    assert.equal(config.origin('x.port'), 'a.properties:1');
    assert.equal(config.origin('x.secret'), 'default');
  });

  it('reports every bad value at once as file:line key: reason, hiding sensitive values', () => {
    const dir = folder({ 'a.properties': '# header\nx.port=99999\nx.join=sometimes\n', 'hazelcast/b.properties': 'x.delay=soon\nx.flag=maybe\nx.secret=abc\n' });
    const { problems } = resolveBundleConfig(schema, ConfigFolder.load(dir).values);
    const lines = problems.map((p) => p.message).sort();
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[0], /^a\.properties:2 x\.port: .*65535.*"99999"/);
    assert.match(lines[1], /^a\.properties:3 x\.join: must be one of .*"sometimes"/);
    assert.match(lines[2], /^hazelcast\/b\.properties:1 x\.delay: must be a duration/);
    assert.match(lines[3], /^hazelcast\/b\.properties:2 x\.flag: /);
    assert.match(lines[4], /^hazelcast\/b\.properties:3 x\.secret: /);
    assert.doesNotMatch(lines[4], /abc/);
  });

  it('--set wins over files and is named as the origin', () => {
    const dir = folder({ 'a.properties': 'x.port=5801\n' });
    const values = ConfigFolder.load(dir).withOverrides([['x.port', 'nope']]).values;
    const { problems } = resolveBundleConfig(schema, values);
    assert.match(problems[0].message, /^--set x\.port: /);
  });

  it('accepts an alias, and says which name won when both are set', () => {
    const alone = resolveBundleConfig(schema, ConfigFolder.load(folder({ 'a.properties': 'x.later.delay=7s\n' })).values);
    assert.equal(alone.config.get('x.delay'), 7000);
    const both = resolveBundleConfig(schema, ConfigFolder.load(folder({ 'a.properties': 'x.delay=1s\nx.later.delay=2s\n' })).values);
    assert.equal(both.config.get('x.delay'), 2000);
    assert.match(both.notes[0], /x\.delay \(a\.properties:1\) and x\.later\.delay \(a\.properties:2\) are both set; using x\.later\.delay=2s/);
  });

  it('keeps the per-map files the grid declares out of the global namespace', () => {
    const dir = folder({
      'hazelcast/sessions.properties': 'com.openexchange.hazelcast.configuration.map.name=sessions\n',
      'hazelcast/other.properties': 'com.openexchange.hazelcast.configuration.map.name=other\n',
      'cache.ccf': 'jcs.default=LTCP\n',
    });
    const f = ConfigFolder.load(dir).withPerFileKeys(grid.perFileKeys ?? []);
    assert.equal(f.values.has('com.openexchange.hazelcast.configuration.map.name'), false);
    assert.deepEqual(f.under('hazelcast').map((x) => x.get('com.openexchange.hazelcast.configuration.map.name')?.value), ['other', 'sessions']);
    assert.equal(f.file('cache.ccf')?.get('jcs.default')?.value, 'LTCP');
  });
});
