import { readFileSync } from 'node:fs';

/** The grid protocol's major: members of another major never meet (it is part of the effective cluster name). */
export const PROTOCOL_MAJOR = 3;

/** The variable that raises this process's protocol minor; a test hook, read nowhere else. */
export const TEST_MINOR_VARIABLE = 'OXK_GRID_TEST_PROTOCOL_MINOR';

/** The minor this build speaks. */
const BUILD_MINOR = 1;

/**
 * What each minor of this major added on the wire. A member uses a feature only once the cluster
 * version has it: a member of an older build refuses a message its schemas do not know and drops the
 * sender's connection, so a rolling upgrade must not send it while such a member is present.
 */
export const FEATURE_MINOR = {
  /** 3.1: heartbeats carry the sender's heap and RSS (`mem`). */
  memberMemory: 1,
  /** 3.1: the map operation ENTRY_VIEW (`DistributedMap.getEntryView`). */
  entryView: 1,
} as const;
export type ProtocolFeature = keyof typeof FEATURE_MINOR;

/**
 * The minor this build speaks: BUILD_MINOR. Tests of rolling upgrades start a member with a raised
 * minor by setting OXK_GRID_TEST_PROTOCOL_MINOR; the member then really speaks it (frame headers,
 * handshake, its member entry), so what is tested is the same code path a newer build would take.
 */
function readMinor(): number {
  const raw = process.env[TEST_MINOR_VARIABLE];
  if (raw === undefined || raw === '') return BUILD_MINOR;
  const minor = Number(raw);
  if (!Number.isInteger(minor) || minor < BUILD_MINOR || minor > 255) throw new Error(`${TEST_MINOR_VARIABLE}="${raw}" is not a protocol minor this build can speak (${BUILD_MINOR}-255)`);
  return minor;
}

export const PROTOCOL_MINOR = readMinor();
export const PROTOCOL_VERSION = `${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`;

/** The package version of this build (the codebase version), e.g. `0.2.0`. */
export const CODEBASE_VERSION: string = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The effective cluster name: the group name plus the protocol major, so minors of one major meet. */
export function effectiveClusterName(groupName: string): string {
  return `${groupName}-${PROTOCOL_MAJOR}`;
}

/** `major.minor` of a protocol version string; undefined when it is not one. */
export function parseProtocolVersion(version: string): { major: number; minor: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})$/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}
