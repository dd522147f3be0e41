import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runOxk } from '../support/runCli.js';
import { tempConfig } from '../support/tempConfig.js';

// Address 127.0.13.1 (this file only), in case a node starts although it must not.
const HOST = 'com.openexchange.connector.networkListenerHost=127.0.13.1';
const GRID = 'com.openexchange.hazelcast.network.interfaces=127.0.13.1';
const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

function configWith(files: Record<string, string>): string {
  const config = tempConfig(files);
  cleanups.push(config.remove);
  return config.dir;
}

/** `oxk config check` and `oxk start` on `dir`: both exit 2 and print `expected`, with no stack trace. */
async function refusedByBoth(dir: string, expected: RegExp[], sets: string[] = []): Promise<void> {
  const check = await runOxk(['config', 'check', '--config', dir, '--set', HOST, '--set', GRID, ...sets]);
  const start = await runOxk(['start', '--config', dir, '--set', HOST, '--set', GRID, ...sets], { timeoutMs: 30_000 });
  for (const [name, run, out] of [['config check', check, check.stdout], ['start', start, start.stderr]] as const) {
    const all = run.stdout + run.stderr;
    assert.equal(run.code, 2, `${name} exit code; output:\n${all}`);
    for (const line of expected) assert.match(out, line, `${name}:\n${all}`);
    assert.doesNotMatch(all, /\n\s+at |node_modules|properties-file/, `${name} printed a stack trace or the parser's source:\n${all}`);
  }
}

describe('configuration errors are file:line key: reason', () => {
  it('an invalid \\uZZZZ escape and a truncated \\u12 are named with their lines; the good entries still count', async () => {
    const dir = configWith({
      'zz-escapes.properties': '# header\ngood.one=ok\\u00e9\nbroken.escape=x\\uZZZZy\n\ncontinued=first \\\n    second \\u12G4\ncom.openexchange.connector.networkListenerPort=http\ntruncated=abc\\u12',
    });
    await refusedByBoth(dir, [
      /^(error: )?zz-escapes\.properties:3 broken\.escape: malformed \\uXXXX escape "\\uZZZZ"/m,
      /^(error: )?zz-escapes\.properties:5 continued: malformed \\uXXXX escape "\\u12G4"/m,
      /^(error: )?zz-escapes\.properties:8 truncated: malformed \\uXXXX escape "\\u12"/m,
      // Validation goes on past the unreadable entries: the bad port of line 7 is reported too.
      /^(error: )?zz-escapes\.properties:7 com\.openexchange\.connector\.networkListenerPort: /m,
    ]);
  });

  it('a malformed escape in a key names the key as written', async () => {
    const dir = configWith({ 'zz-key.properties': 'a=1\nodd\\u00ZZkey=2\n' });
    await refusedByBoth(dir, [/^(error: )?zz-key\.properties:2 odd\\u00ZZkey: malformed \\uXXXX escape "\\u00ZZ"/m]);
  });

  it('a snowman route is refused by config check and by start, from a file and from --set', async () => {
    const dir = configWith({ 'zz-route.properties': 'x=1\ncom.openexchange.server.backendRoute=OX\u2603\n' });
    await refusedByBoth(dir, [/^(error: )?zz-route\.properties:2 com\.openexchange\.server\.backendRoute: .*letters, digits, "-", "_" and "\." only/m]);
    const escaped = configWith({ 'zz-route.properties': 'com.openexchange.server.backendRoute=OX\\u2603\n' });
    await refusedByBoth(escaped, [/^(error: )?zz-route\.properties:1 com\.openexchange\.server\.backendRoute: /m]);
    await refusedByBoth(configWith({}), [/^(error: )?--set com\.openexchange\.server\.backendRoute: /m], ['--set', 'com.openexchange.server.backendRoute=OX\u00e91']);
  });

  it('a route of letters, digits, "-", "_" and "." passes', async () => {
    const ok = await runOxk(['config', 'check', '--config', configWith({}), '--set', 'com.openexchange.server.backendRoute=OX-1_a.b']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('a UIWebPath that would not fit in a Location header is refused with file:line', async () => {
    const dir = configWith({ 'zz-ui.properties': 'com.openexchange.UIWebPath=/app\u2603suite/\n' });
    await refusedByBoth(dir, [/^(error: )?zz-ui\.properties:1 com\.openexchange\.UIWebPath: must be a path/m]);
    const ok = await runOxk(['config', 'check', '--config', configWith({ 'zz-ui.properties': 'com.openexchange.UIWebPath=/app%E2%98%83suite/\n' })]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('a missing config folder is one line and exit 2, not a stack trace', async () => {
    await refusedByBoth('/nonexistent/oxk-config', [/config folder \/nonexistent\/oxk-config does not exist/]);
  });
});
