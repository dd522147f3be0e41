import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../core/config/duration.js';
import { PropertiesFile } from '../../core/config/propertiesFile.js';

const parse = (text: string) => PropertiesFile.parse('test.properties', text);
const value = (text: string, key: string) => parse(text).get(key)?.value;

describe('properties files follow java.util.Properties', () => {
  it('accepts =, : and whitespace as separators', () => {
    const f = parse('a=1\nb:2\nc 3\nd    =   4\n   e\t5\n');
    assert.deepEqual(f.entries.map((e) => [e.key, e.value]), [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]);
  });

  it('skips # and ! comments and blank lines, and keeps line numbers', () => {
    const f = parse('# comment\n! other comment\n\nkey=value\n');
    assert.equal(f.entries.length, 1);
    assert.equal(f.get('key')?.line, 4);
  });

  it('joins continuation lines and drops the next line\'s leading blanks', () => {
    const f = parse('fruits=apple, \\\n    banana, \\\n    pear\nnext=1\n');
    assert.equal(f.get('fruits')?.value, 'apple, banana, pear');
    assert.equal(f.get('next')?.line, 4);
  });

  it('an even number of trailing backslashes is not a continuation', () => {
    assert.equal(value('path=c:\\\\\nx=1', 'path'), 'c:\\');
  });

  it('decodes escapes and \\uXXXX', () => {
    assert.equal(value('k=tab\\there\\nnew \\u00e9t\\u00E9', 'k'), 'tab\there\nnew été');
    assert.equal(value('key\\ with\\ spaces=v', 'key with spaces'), 'v');
    assert.equal(value('a\\=b=c', 'a=b'), 'c');
  });

  it('keeps the password with $, # and ! inside a value', () => {
    assert.equal(value('com.openexchange.hazelcast.group.password=wtV6$VQk8#+3ds!a', 'com.openexchange.hazelcast.group.password'), 'wtV6$VQk8#+3ds!a');
  });

  it('last value wins for duplicate keys, with the later line number', () => {
    const f = parse('k=1\nk=2\n');
    assert.equal(f.get('k')?.value, '2');
    assert.equal(f.get('k')?.line, 2);
  });

  it('a key without value has the empty value', () => {
    assert.equal(value('lonely\n', 'lonely'), '');
    assert.equal(value('empty=\n', 'empty'), '');
  });
});

describe('malformed \\u escapes are problems with file:line, not exceptions', () => {
  it('names each bad entry by its first line and keeps the others', () => {
    const f = parse('a=1\nb=x\\uZZZZ\n# c=\\uQQQQ in a comment\nd=one \\\n  two \\u12\ne=\\u00e9\nf=\\u12');
    assert.deepEqual(f.entries.map((e) => [e.key, e.value, e.line]), [['a', '1', 1], ['e', '\u00e9', 6]]);
    assert.equal(f.problems.length, 3, f.problems.join('\n'));
    assert.match(f.problems[0]!, /^test\.properties:2 b: malformed \\uXXXX escape "\\uZZZZ"/);
    assert.match(f.problems[1]!, /^test\.properties:4 d: malformed \\uXXXX escape "\\u12"/);
    assert.match(f.problems[2]!, /^test\.properties:7 f: malformed \\uXXXX escape "\\u12"/);
  });

  it('an escaped backslash before u is no escape; a \\u split by a continuation is joined first', () => {
    const f = parse('k=c:\\\\users\nj=\\u00\\\n  e9\n');
    assert.deepEqual(f.problems, []);
    assert.equal(f.get('k')?.value, 'c:\\users');
    assert.equal(f.get('j')?.value, '\u00e9');
  });

  it('a key with a bad escape is named as written, an empty key as such', () => {
    const f = parse('x\\u0=1\n=\\u\n');
    assert.match(f.problems[0]!, /^test\.properties:1 x\\u0: malformed/);
    assert.match(f.problems[1]!, /^test\.properties:2 \(empty key\): malformed \\uXXXX escape "\\u"/);
  });
});

describe('durations', () => {
  it('parses OX style units and plain milliseconds', () => {
    assert.equal(parseDuration('120s'), 120_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1D'), 86_400_000);
    assert.equal(parseDuration('1W'), 604_800_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('3600000'), 3_600_000);
  });

  it('refuses anything else with the value in the message', () => {
    assert.throws(() => parseDuration('soon'), /"soon"/);
    assert.throws(() => parseDuration('-5s'), /not a duration/);
    assert.throws(() => parseDuration('5 parsecs'), /not a duration/);
  });
});
