import { existsSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import type { GridMember } from '../api.js';

/** Custom partition groups: each group is a list of interface patterns (`10.0.0.*`, `10.0.0.1-9`). */
export type PartitionGroups = readonly (readonly string[])[];

/**
 * Reads `<partition-group enabled="true" group-type="CUSTOM">` from Hazelcast's XML form. Returns
 * undefined when the file is missing or partition groups are not enabled and custom.
 */
export function readPartitionGroups(file: string): PartitionGroups | undefined {
  if (!existsSync(file)) return undefined;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    isArray: (name) => name === 'member-group' || name === 'interface',
  });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file}: not readable as XML: ${(err as Error).message}`);
  }
  const root = doc.hazelcast as Record<string, unknown> | undefined;
  const pg = root?.['partition-group'] as Record<string, unknown> | undefined;
  if (!pg || String(pg['@enabled']) !== 'true') return undefined;
  if (String(pg['@group-type'] ?? '').toUpperCase() !== 'CUSTOM') return undefined;
  const groups = ((pg['member-group'] ?? []) as Record<string, unknown>[]).map((g) =>
    ((g.interface ?? []) as unknown[]).map((i) => String(i).trim()).filter(Boolean));
  if (groups.length === 0 || groups.some((g) => g.length === 0)) {
    throw new Error(`${file}: a CUSTOM partition-group needs member-group elements with <interface> entries`);
  }
  return groups;
}

/** Matches an IPv4 address against `a.b.c.d` where each part may be `*` or a range `n-m`. */
export function matchesInterface(pattern: string, ip: string): boolean {
  const pp = pattern.split('.');
  const ap = ip.split('.');
  if (pp.length !== 4 || ap.length !== 4) return pattern === ip;
  return pp.every((part, i) => {
    if (part === '*') return true;
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) return Number(ap[i]) >= Number(range[1]) && Number(ap[i]) <= Number(range[2]);
    return part === ap[i];
  });
}

/** The host of `host:port` (IPv6 in brackets allowed). */
export function hostOf(address: string): string {
  const m = /^\[(.*)\](?::\d+)?$/.exec(address);
  if (m) return m[1];
  const i = address.lastIndexOf(':');
  return i < 0 ? address : address.slice(0, i);
}

/**
 * The partition group a member belongs to, or undefined when it holds no data (lite, or outside
 * every custom group). Without custom groups every data member is its own group.
 */
export function groupOf(member: GridMember, groups: PartitionGroups | undefined): string | undefined {
  if (member.lite) return undefined;
  if (!groups) return member.dataMember === false ? undefined : `member:${member.id}`;
  const host = hostOf(member.address);
  const index = groups.findIndex((g) => g.some((p) => matchesInterface(p, host)));
  return index < 0 ? undefined : `group:${index}`;
}

/** A custom partition group as operators see it: its interface patterns, and the addresses of the members in it. */
export interface PartitionGroupView {
  name: string;
  members: string[];
}

/** The custom groups with their current members; empty when partition groups are not custom. */
export function describeGroups(groups: PartitionGroups | undefined, members: readonly GridMember[]): PartitionGroupView[] {
  if (!groups) return [];
  return groups.map((patterns, index) => ({
    name: patterns.join(', '),
    members: members.filter((m) => groupOf(m, groups) === `group:${index}`).map((m) => m.address),
  }));
}
