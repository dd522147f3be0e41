import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CcfError, type CcfModel, parseCcf } from '../../bundles/cache-jcs/ccf/parseCcf.js';
import { PropertiesFile } from '../../core/config/propertiesFile.js';
import { fuzzOptions } from '../support/fuzz.js';
import { defaultConfigDir } from '../support/paths.js';

const STOCK = readFileSync(join(defaultConfigDir, 'cache.ccf'), 'utf8');
/** `cache.ccf:line key: reason`, where the reason is ours (no TypeError text leaking through). */
const LINE = /^cache\.ccf:\d+ .+: (?!.*(is not a function|Cannot read|undefined))./s;

/** The cache bundle's reading: the kernel's properties parser, then parseCcf; a CcfError is an answer, anything else a bug. */
function read(content: string): { model?: CcfModel; errors: string[] } {
  const file = PropertiesFile.parse('cache.ccf', content);
  try {
    return { model: parseCcf(file), errors: [...file.problems] };
  } catch (err) {
    if (!(err instanceof CcfError)) throw err;
    return { errors: [...file.problems, ...err.problems] };
  }
}

function checkAnswer(content: string): { model?: CcfModel; errors: string[] } {
  const answer = read(content);
  for (const line of [...answer.errors, ...(answer.model?.warnings ?? [])]) assert.match(line, LINE);
  return answer;
}

/** Attribute names: real ones in any case, unknown ones, and the names every object inherits. */
const attribute = fc.oneof(
  fc.constantFrom('MaxObjects', 'maxobjects', 'UseMemoryShrinker', 'MaxMemoryIdleTimeSeconds', 'ShrinkerIntervalSeconds', 'MaxSpoolPerRun',
    'MemoryCacheName', 'IsEternal', 'MaxLifeSeconds', 'IdleTime', 'IsSpool', 'TcpServers', 'TcpListenerPort', 'UdpDiscoveryEnabled',
    'UdpDiscoveryAddr', 'UdpDiscoveryPort', 'Receive', 'IssueRemoveOnPut', 'OpenTimeout', 'AllowGet'),
  fc.constantFrom('constructor', 'Constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'prototype'),
  fc.stringMatching(/^[A-Za-z]\w{0,12}$/),
);
const value = fc.oneof(
  fc.constantFrom('', 'true', 'FALSE', '-1', '0', '1000000', '99999999999999999999', 'LTCP', 'LTCP, DC', 'a b', '127.0.0.1:57462', '[::1]:1', 'host:0', 'x:70000',
    'org.apache.jcs.engine.memory.lru.LRUMemoryCache', 'org.apache.jcs.auxiliary.lateral.socket.tcp.LateralTCPCacheFactory', 'Other'),
  fc.string({ maxLength: 16 }),
);
const scope = fc.oneof(
  fc.constant('jcs.default'),
  fc.constantFrom('User', 'OX.Folder', 'constructor', '__proto__', 'a.cacheattributes.b').map((r) => `jcs.region.${r}`),
  fc.stringMatching(/^[^\s=:#!\\]{1,10}$/).map((r) => `jcs.region.${r}`),
);
const line = fc.oneof(
  fc.tuple(scope, fc.constantFrom('cacheattributes', 'elementattributes'), attribute, value).map(([s, g, a, v]) => `${s}.${g}.${a}=${v}`),
  fc.tuple(scope, value).map(([s, v]) => `${s}=${v}`),
  fc.tuple(fc.constantFrom('LTCP', 'DC', 'constructor', 'x-1'), attribute, value).map(([n, a, v]) => `jcs.auxiliary.${n}.attributes.${a}=${v}`),
  fc.tuple(fc.constantFrom('LTCP', 'DC', 'constructor'), value).map(([n, v]) => `jcs.auxiliary.${n}=${v}`),
  fc.tuple(fc.constantFrom('jcs.system.groupIdCache', 'jcs', 'foo.bar', 'jcs.region.', 'jcs.auxiliary.'), value).map(([k, v]) => `${k}=${v}`),
);

describe('fuzz: cache.ccf gives a model or file:line problems, never another exception', () => {
  it('random cache.ccf files of real and made-up lines', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      checkAnswer(lines.join('\n'));
    }), fuzzOptions());
  });

  it('an attribute this parser does not know (even one every object inherits) is a warning, not an error', () => {
    fc.assert(fc.property(fc.constantFrom('cacheattributes', 'elementattributes'), attribute, (group, name) => {
      const known = /^(maxobjects|usememoryshrinker|maxmemoryidletimeseconds|shrinkerintervalseconds|maxspoolperrun|iseternal|maxlifeseconds|idletime)$/i;
      fc.pre(!known.test(name));
      const { model, errors } = checkAnswer(`jcs.default.${group}.${name}=1`);
      assert.deepEqual(errors, []);
      assert.ok(model);
    }), fuzzOptions());
  });

  it('the stock cache.ccf, mutated', () => {
    const mutation = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 8 }),
      insert: fc.oneof(fc.constantFrom('\\u', '\\uZZZZ', '\\', '\n', '=', '.', 'constructor', '-', '99999999999999999999', ' ', '#'), fc.string({ maxLength: 6 })),
    });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (mutations) => {
      let content = STOCK;
      for (const m of mutations) {
        const at = m.at % (content.length + 1);
        content = content.slice(0, at) + m.insert + content.slice(at + m.cut);
      }
      checkAnswer(content);
    }), fuzzOptions());
  });
});
