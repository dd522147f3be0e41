import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeKey, escapeValue } from 'properties-file/escape';
import { resolveBundleConfig } from '../../core/config/bundleConfig.js';
import { ConfigFolder } from '../../core/config/configFolder.js';
import { PropertiesFile } from '../../core/config/propertiesFile.js';
import { kernelSchema } from '../../core/kernelConfig.js';
import { fuzzOptions } from '../support/fuzz.js';

const FILE = 'fuzz.properties';
/** Characters that mean something to the format, plus unicode (accented, BMP symbol, astral). */
const tricky = fc.constantFrom(' ', '\t', '\f', '=', ':', '#', '!', '\\', 'u', '\n', '\r', '\u00e9', '\u2603', '\ud83d\ude00', '\ufeff');
const text = (min: number) => fc.string({ unit: fc.oneof(fc.constantFrom('a', 'k', '.', '0', '-'), tricky, fc.string({ minLength: 1, maxLength: 1 })), minLength: min, maxLength: 24 });
const entries = fc.array(fc.record({ key: text(1), value: text(0), unicode: fc.boolean() }), { maxLength: 12 });
/** What may go between entries: nothing, blank lines, comments (with escapes that are never read). */
const filler = fc.constantFrom('', '\n', '# comment \\uZZZZ\n', '! other \\\n', '   \n', '#\u2603\n');

/** Writes `model` as a properties file with `eol` line ends; long escaped values are split over continuation lines. */
function write(model: { key: string; value: string; unicode: boolean }[], fillers: string[], eol: string): string {
  return model.map((e, i) => {
    const value = escapeValue(e.value, e.unicode).replace(/([A-Za-z0-9]{3})(?=[A-Za-z0-9])/, '$1\\\n    ');
    return `${fillers[i] ?? ''}${escapeKey(e.key, e.unicode)}=${value}`;
  }).join(eol).replaceAll('\n', eol);
}

const PROBLEM = /^fuzz\.properties:(\d+) .*: malformed \\uXXXX escape "\\u.{0,4}" \(\\u needs four hex digits\) in the (key|value)$/s;

/** Everything the kernel does with one file: parse, merge into the folder, validate the kernel's own keys. */
function readAsKernel(content: string): { file: PropertiesFile; problems: string[] } {
  const file = PropertiesFile.parse(FILE, content);
  const folder = new ConfigFolder('/fuzz', [file]);
  const own = resolveBundleConfig(kernelSchema, folder.values);
  return { file, problems: [...folder.problems, ...own.problems.map((p) => p.message)] };
}

function lineCount(content: string): number {
  return content.split(/\r\n|\r|\n/).length;
}

describe('fuzz: the kernel reads any properties file into values or file:line problems', () => {
  it('written entries read back as they were (escapes, continuations, unicode, comments)', () => {
    fc.assert(fc.property(entries, fc.array(filler, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (model, fillers, eol) => {
      const file = PropertiesFile.parse(FILE, write(model, fillers, eol));
      assert.deepEqual(file.problems, []);
      const expected = new Map(model.map((e) => [e.key, e.value]));
      assert.deepEqual(new Map(file.entries.map((e) => [e.key, e.value])), expected);
    }), fuzzOptions());
  });

  it('mutated files give values or file:line problems, never an exception', () => {
    const mutation = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 4 }),
      insert: fc.oneof(fc.constantFrom('\\u', '\\u12', '\\uZZZZ', '\\u00e', '\\', '\\\n', '\n', '\r\n', '=', '#', ' ', '\ufeff', 'com.openexchange.server.backendRoute='), text(1)),
    });
    fc.assert(fc.property(entries, fc.array(filler, { maxLength: 12 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (model, fillers, mutations) => {
      let content = write(model, fillers, '\n');
      for (const m of mutations) {
        const at = content.length ? m.at % (content.length + 1) : 0;
        content = content.slice(0, at) + m.insert + content.slice(at + m.cut);
      }
      const { file, problems } = readAsKernel(content);
      const lines = lineCount(content);
      for (const e of file.entries) assert.ok(e.line >= 1 && e.line <= lines, `entry ${e.key} at line ${e.line} of ${lines}`);
      for (const p of file.problems) {
        const m = PROBLEM.exec(p);
        assert.ok(m, `not a file:line problem: ${JSON.stringify(p)}`);
        assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= lines, `line ${m[1]} of ${lines}`);
      }
      if (file.problems.length) assert.ok(content.includes('\\u'), 'a problem without any \\u in the file');
      for (const p of problems) assert.match(p, /^(fuzz\.properties:\d+|default) .*: ./s);
    }), fuzzOptions());
  });
});
