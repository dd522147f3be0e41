import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';

/** The MBean `oxk upgrade` reports to and every member shows the progress in. */
export const ROLLING_UPGRADE_MBEAN = 'com.openexchange.upgrade:type=RollingUpgrade';

const Text = (maxLength: number) => Type.String({ maxLength });
const Time = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });


/**
 * The progress of `oxk upgrade` as it reports it at every step (`report(json)` of the RollingUpgrade
 * MBean) and as every member shows it: closed and bounded, so a report is small and checked whole.
 */
export const ProgressSchema = Type.Object({
  state: Type.Union([Type.Literal('idle'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  startedAt: Time,
  updatedAt: Time,
  /** The step running or last run, as `oxk upgrade` prints it. */
  step: Text(1024),
  nodes: Type.Array(Type.Object({
    route: Type.String({ minLength: 1, maxLength: 128 }),
    /** Where the node stands. */
    state: Type.Union([Type.Literal('pending'), Type.Literal('upgrading'), Type.Literal('done'), Type.Literal('failed')]),
    message: Text(1024),
  }, { additionalProperties: false }), { maxItems: 256 }),
  /** Why the run stopped, '' unless failed. */
  error: Text(4096),
}, { additionalProperties: false });

export type Progress = Static<typeof ProgressSchema>;
export type NodeState = Progress['nodes'][number]['state'];

const check = Compile(ProgressSchema);

/** Undefined when `value` is a progress report; else the first problem, for the refusal. */
export function progressProblem(value: unknown): string | undefined {
  if (check.Check(value)) return undefined;
  const e = check.Errors(value)[0];
  return e ? `${e.instancePath || '/'} ${e.message}` : 'not a progress report';
}

/** Before any report: nothing ran. */
export const IDLE_PROGRESS: Progress = { state: 'idle', startedAt: 0, updatedAt: 0, step: '', nodes: [], error: '' };
