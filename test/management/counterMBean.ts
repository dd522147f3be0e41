import { type MBean, MBeanArgumentError } from '../../bundles/management/api.js';

/** A small MBean with a writable attribute and typed, overloaded operations. */
export function counterMBean(): MBean & { state: { count: number; label: string } } {
  const state = { count: 0, label: 'start' };
  return {
    state,
    className: 'test.Counter',
    attributes: [
      { name: 'Count', type: 'int', get: () => state.count },
      {
        name: 'Label', type: 'java.lang.String', get: () => state.label,
        set: (v) => {
          if (v === 'forbidden') throw new MBeanArgumentError('label "forbidden" is refused');
          state.label = v as string;
        },
      },
      { name: 'Ratio', type: 'double', get: () => state.count / 4, set: (v) => { state.count = Math.round((v as number) * 4); } },
      { name: 'Broken', type: 'long', get: () => { throw new Error('sensor unplugged'); } },
    ],
    operations: [
      { name: 'add', params: [{ name: 'n', type: 'int' }], returnType: 'int', invoke: ([n]) => (state.count += n as number) },
      { name: 'add', params: [{ name: 'n', type: 'int' }, { name: 'times', type: 'int' }], returnType: 'int', invoke: ([n, t]) => (state.count += (n as number) * (t as number)) },
      { name: 'join', params: [{ name: 'parts', type: '[Ljava.lang.String;' }, { name: 'upper', type: 'boolean' }], returnType: 'java.lang.String',
        invoke: ([parts, upper]) => { const s = (parts as string[]).join('+'); return upper ? s.toUpperCase() : s; } },
      { name: 'reset', params: [], returnType: 'void', invoke: async () => { state.count = 0; return 'ignored'; } },
      { name: 'fail', params: [], returnType: 'void', invoke: () => { throw new Error('disk full'); } },
    ],
  };
}
