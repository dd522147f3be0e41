import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectName } from '../../bundles/management/server/objectName.js';

describe('ObjectName', () => {
  it('parses domain and key properties and keeps the written order', () => {
    const n = ObjectName.parse('com.hazelcast:type=IMap,name=sessions,instance=OX1');
    assert.equal(n.domain, 'com.hazelcast');
    assert.equal(n.getKeyProperty('type'), 'IMap');
    assert.equal(n.getKeyProperty('name'), 'sessions');
    assert.equal(n.keyPropertyListString, 'type=IMap,name=sessions,instance=OX1');
    assert.equal(n.isPattern, false);
  });

  it('formats the canonical name with keys sorted', () => {
    assert.equal(ObjectName.parse('d:type=IMap,name=s,instance=OX1').canonicalName, 'd:instance=OX1,name=s,type=IMap');
    assert.equal(ObjectName.parse('d:b=2,a=1,*').canonicalName, 'd:a=1,b=2,*');
    assert.equal(ObjectName.parse('d:*').canonicalName, 'd:*');
    assert.equal(ObjectName.parse('*:*').canonicalName, '*:*');
  });

  it('keeps quoted values with their quotes and escapes', () => {
    const n = ObjectName.parse('com.hazelcast:type=Member,name="127.0.0.1:5701",x="a\\"b,c=d"');
    assert.equal(n.getKeyProperty('name'), '"127.0.0.1:5701"');
    assert.equal(ObjectName.unquote(n.getKeyProperty('x') ?? ''), 'a"b,c=d');
    assert.equal(n.isPattern, false);
    assert.equal(n.canonicalName, 'com.hazelcast:name="127.0.0.1:5701",type=Member,x="a\\"b,c=d"');
  });

  it('quote and unquote are inverse, value() quotes only when needed', () => {
    for (const s of ['plain', 'a:b', 'x"y', 'star*', 'q?', 'back\\slash', 'new\nline', '']) {
      assert.equal(ObjectName.unquote(ObjectName.quote(s)), s);
      const name = ObjectName.parse(`d:k=${ObjectName.value(s)}`);
      assert.equal(ObjectName.unquote(name.getKeyProperty('k') ?? ''), s);
      assert.equal(name.isPattern, false, `value ${JSON.stringify(s)} must not become a pattern`);
    }
    assert.equal(ObjectName.value('sessions'), 'sessions');
    assert.equal(ObjectName.value('127.0.0.1:5701'), '"127.0.0.1:5701"');
  });

  it('rejects malformed names with a reason', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['nodomain', /missing ':'/],
      ['d:', /cannot be empty/],
      ['d:type', /without '='/],
      ['d:=v', /empty key/],
      ['d:k=', /empty value/],
      ['d:k=v,', /trailing comma/],
      ['d:k=v,k=w', /duplicate key 'k'/],
      ['d:k="open', /unterminated/],
      ['d:k="a"b', /after a quoted value/],
      ['d:k="a\\x"', /invalid escape/],
      ['d:k=a:b', /invalid character/],
      ['d:k*=v', /invalid character in key/],
      ['d:*,*', /only once/],
    ];
    for (const [text, reason] of bad) {
      assert.throws(() => ObjectName.parse(text), (err: Error) => {
        assert.equal(err.name, 'javax.management.MalformedObjectNameException', text);
        assert.match(err.message, reason, text);
        return true;
      });
    }
    assert.equal(ObjectName.tryParse('bad'), undefined);
  });

  it('matches domain wildcards and property-list patterns', () => {
    const name = ObjectName.parse('com.hazelcast:type=IMap,name=sessions,instance=OX1');
    const yes = ['*:*', 'com.hazelcast:*', 'com.*:*', 'com.hazelcas?:*', 'com.hazelcast:type=IMap,*', 'com.hazelcast:name=sessions,type=IMap,*',
      'com.hazelcast:instance=OX1,name=sessions,type=IMap', 'com.hazelcast:type=IMap,name=sess*,instance=OX?'];
    const no = ['other:*', 'com.hazelcast:type=Member,*', 'com.hazelcast:type=IMap', 'com.hazelcast:type=IMap,name=x*,*',
      'com.hazelcast:type=IMap,name=sessions,instance=OX1,extra=1,*', 'com.hazelcas:*'];
    for (const p of yes) assert.equal(ObjectName.parse(p).matches(name), true, p);
    for (const p of no) assert.equal(ObjectName.parse(p).matches(name), false, p);
  });

  it('tells the kinds of pattern apart', () => {
    assert.equal(ObjectName.parse('d*:k=v').domainPattern, true);
    assert.equal(ObjectName.parse('d:k=v,*').propertyListPattern, true);
    assert.equal(ObjectName.parse('d:k=v*').propertyValuePattern, true);
    assert.equal(ObjectName.parse('d:k="v*"').propertyValuePattern, true);
    assert.equal(ObjectName.parse('d:k="v\\*"').propertyValuePattern, false);
  });

  it('matches wildcards inside quoted values and escaped stars literally', () => {
    const quoted = ObjectName.parse('d:k="a*b"');
    assert.equal(quoted.matches(ObjectName.parse('d:k="aXXb"')), true);
    const literal = ObjectName.parse('d:k="a\\*b"');
    assert.equal(ObjectName.parse('d:k="a\\*b",*').matches(literal), true);
    assert.equal(ObjectName.parse('d:k="a\\*b",*').matches(ObjectName.parse('d:k="aXb"')), false);
  });
});
