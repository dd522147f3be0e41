import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileAuthenticator } from '../../bundles/auth-file/userFile.js';
import { hashPassword, parseHash, verifyPassword } from '../../bundles/auth-file/scryptHash.js';
import type { ConfigEntry } from '../../core/config/configFiles.js';
import { ConfigFolder } from '../../core/config/configFolder.js';
import { defaultConfigDir } from '../support/paths.js';
import { runOxk } from '../support/runCli.js';

const entry = (key: string, value: string, line = 1): ConfigEntry => ({ key, value, file: 'users.properties', line });
const cheap = { N: 1024, r: 8, p: 1 };

describe('auth-file: scrypt hashes', () => {
  it('hashes into scrypt$N$r$p$salt$hash and verifies only the right password', async () => {
    const text = await hashPassword('correct horse', cheap);
    assert.match(text, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const parsed = parseHash(text);
    assert.equal(await verifyPassword('correct horse', parsed), true);
    assert.equal(await verifyPassword('correct horsf', parsed), false);
    assert.notEqual(await hashPassword('correct horse', cheap), text, 'a fresh salt per hash');
  });

  it('refuses strings that are not such hashes, saying why', () => {
    assert.throws(() => parseHash('plaintext'), /scrypt\$N\$r\$p\$salt\$hash/);
    assert.throws(() => parseHash('scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'), /power of two/);
    assert.throws(() => parseHash('scrypt$1024$8$1$YQ$aGFzaGhhc2hoYXNoaGFzaA'), /too short/);
  });
});

describe('auth-file: FileAuthenticator', () => {
  it('authenticates known users and answers undefined for a wrong password or an unknown user', async () => {
    const auth = new FileAuthenticator([entry('alice', await hashPassword('pw-a', cheap)), entry('bob', await hashPassword('pw-b', cheap), 2)]);
    assert.equal(auth.size, 2);
    assert.deepEqual(await auth.authenticate('alice', 'pw-a'), { name: 'alice' });
    assert.deepEqual(await auth.authenticate('bob', 'pw-b'), { name: 'bob' });
    assert.equal(await auth.authenticate('alice', 'pw-b'), undefined);
    assert.equal(await auth.authenticate('carol', 'pw-a'), undefined);
    assert.equal(await auth.authenticate('', ''), undefined);
  });

  it('names the file, line and user of a malformed line', async () => {
    const alice = entry('alice', await hashPassword('x', cheap));
    assert.throws(() => new FileAuthenticator([alice, entry('bob', 'secret', 7)]), /users\.properties:7 bob: not a hash/);
    assert.throws(() => new FileAuthenticator([entry('bad name', 'x', 3)]), /users\.properties:3 bad name: not a valid user name/);
  });

  it('the shipped config/users.properties has no user: no default account with a known password', () => {
    const file = ConfigFolder.load(defaultConfigDir).file('users.properties');
    assert.ok(file, 'config/users.properties exists');
    assert.deepEqual(file.entries, []);
  });

  it('an empty file has no users and lets nobody in', async () => {
    const auth = new FileAuthenticator([]);
    assert.equal(auth.size, 0);
    assert.equal(await auth.authenticate('admin', 'admin'), undefined);
  });
});

describe('auth-file: oxk passwd', () => {
  it('prints name=hash for a password given with --password, and the hash verifies', async () => {
    const out = await runOxk(['passwd', 'alice', '--password', 's3cret', '--cost', '1024']);
    assert.equal(out.code, 0, out.stderr);
    const m = /^alice=(scrypt\$.+)\n$/.exec(out.stdout);
    assert.ok(m, out.stdout);
    assert.equal(await verifyPassword('s3cret', parseHash(m[1])), true);
  });

  it('reads the password from the first line of stdin, with the default cost', async () => {
    const out = await runOxk(['passwd', 'bob'], { input: 'from stdin\nignored\n' });
    assert.equal(out.code, 0, out.stderr);
    const hash = out.stdout.trim().replace(/^bob=/, '');
    assert.match(hash, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifyPassword('from stdin', parseHash(hash)), true);
  });

  it('refuses bad names, empty passwords and bad costs with exit code 2', async () => {
    const bad = await runOxk(['passwd', 'a=b', '--password', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a valid user name/);
    const empty = await runOxk(['passwd', 'carol'], { input: '\n' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /empty password/);
    const cost = await runOxk(['passwd', 'carol', '--password', 'x', '--cost', '1000']);
    assert.equal(cost.code, 2);
    assert.match(cost.stderr, /power of two/);
    assert.equal(bad.stdout + empty.stdout + cost.stdout, '');
  });
});
