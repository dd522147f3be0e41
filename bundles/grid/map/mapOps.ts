import type { WireRecord } from './recordStore.js';

/** Operation codes of map operations on a partition owner. */
export const Op = {
  GET: 0,
  PUT: 1,
  PUT_IF_ABSENT: 2,
  REPLACE: 3,
  REMOVE: 4,
  DELETE: 5,
  CONTAINS: 6,
  SIZE: 7,
  ENTRIES: 8,
  KEYS: 9,
  CLEAR: 10,
  TOUCH: 11,
  MERGE: 12,
  SET: 13,
  REPLACE_IF_SAME: 14,
  ENTRY_VIEW: 15,
} as const;

export type MapOp =
  | [typeof Op.GET | typeof Op.REMOVE | typeof Op.DELETE | typeof Op.CONTAINS | typeof Op.TOUCH | typeof Op.ENTRY_VIEW, string, string]
  | [typeof Op.PUT | typeof Op.SET | typeof Op.PUT_IF_ABSENT | typeof Op.REPLACE, string, string, Buffer, number]
  | [typeof Op.REPLACE_IF_SAME, string, string, Buffer, Buffer]
  | [typeof Op.SIZE | typeof Op.ENTRIES | typeof Op.KEYS | typeof Op.CLEAR, string]
  | [typeof Op.MERGE, string, string, WireRecord[]];

/** Backups: set a record, delete a key, clear a map's partition. */
export type BackupOp =
  | ['s', string, ...WireRecord]
  | ['d', string, string]
  | ['c', string];

export const MAP_SERVICE = 'map';
