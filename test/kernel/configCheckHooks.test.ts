import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { customBundleFolder, esmPackage } from '../support/customBundles.js';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

// A custom bundle with a cross-key rule and a namespace; the config breaks the rule and misspells a key.
const ruleBundle = [
  "import { defineBundle, property } from 'oxkernel/sdk';",
  'export default defineBundle({',
  "  name: 'ranges', version: '1.0.0', deps: {}, namespaces: ['example.range.'],",
  '  config: {',
  "    'example.range.min': property({ doc: 'lower bound', format: 'nat', default: 0 }),",
  "    'example.range.max': property({ doc: 'upper bound', format: 'nat', default: 10 }),",
  '  },',
  '  validate(config) {',
  "    const min = config.get('example.range.min'); const max = config.get('example.range.max');",
  "    return max < min ? [`${config.origin('example.range.max')} example.range.max: must not be below example.range.min (${min}, ${config.origin('example.range.min')})`] : [];",
  '  },',
  '  start() {},',
  '});',
].join('\n');

function setup() {
  const bundles = customBundleFolder({ bundles: { ranges: { packageJson: esmPackage('ranges'), files: { 'index.js': ruleBundle } } } });
  const config = tempConfig({ 'ranges.properties': `example.range.min=10\nexample.range.max=5\nexample.range.mx=3\nkernel.bundles.path=${bundles.dir}\n` });
  cleanups.push(bundles.remove, config.remove);
  return config.dir;
}

const expectedProblem = 'ranges.properties:2 example.range.max: must not be below example.range.min (10, ranges.properties:1)';
const expectedWarning = 'ranges.properties:3 example.range.mx: unknown property in the namespace of bundle "ranges"; did you mean example.range.max?';

describe('a bundle\'s validate hook and namespace', () => {
  it('oxk config check reports the hook\'s problem (exit 2) and warns of the misspelled key', async () => {
    const r = await runOxk(['config', 'check', '--config', setup()]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [expectedProblem]);
    assert.ok(r.stderr.includes(`warning: ${expectedWarning}`), r.stderr);
  });

  it('oxk start refuses the same configuration with the same message', async () => {
    const r = await runOxk(['start', '--config', setup()]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`error: ${expectedProblem}`), r.stderr);
    assert.match(r.stderr, /refusing to start: 1 configuration problem/);
  });

  it('oxk config check passes once the rule holds', async () => {
    const r = await runOxk(['config', 'check', '--config', setup(), '--set', 'example.range.max=20']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
