/**
 * Values the clients write: `<version>:<writer tag>`. The version orders the values of one key (a
 * distinct key is written once, version 1; a compare-and-set writes its expected value's version
 * plus one), the tag makes every written value unique.
 */
export function valueOf(version: number, tag: string): string {
  return `${version}:${tag}`;
}

/** The version of a value; an absent value (null) is version 0, a value of another form is NaN. */
export function versionOf(value: string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const m = /^(\d+):/.exec(value);
  return m ? Number(m[1]) : Number.NaN;
}
