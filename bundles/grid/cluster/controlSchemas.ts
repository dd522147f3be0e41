import Type, { type Static } from 'typebox';
import { Count, GridMemberSchema, MemberId, messageCheck, Millis, WireLimits, WireText } from '../spi/wireSchema.js';

/** The payload of control messages that carry none. */
export const isEmpty = messageCheck('cluster (no payload)', Type.Null());

/** A member as lists and joins carry it: nothing but its fields (the handshake's schema is shared and open). */
const Member = Type.Object(GridMemberSchema.properties, { additionalProperties: false });

/** A hash of a member list (`Membership.hash`), hex. */
const ListHash = Type.String({ minLength: 1, maxLength: 64 });

export const isHeartbeat = messageCheck('cluster.heartbeat', Type.Object({
  /** The sender's wall clock. */
  t: Millis,
  /** The sender's member list version, its hash and the master. */
  v: Count,
  h: ListHash,
  m: MemberId,
  /** Whether the recipient is in the sender's member list. */
  you: Type.Boolean(),
  /** The sender's cluster settings number: a member that missed a change asks its master for the list (which carries them). */
  e: Type.Optional(Count),
  /** The sender's heap used, heap total and RSS in bytes (absent from members before this field). */
  mem: Type.Optional(Type.Tuple([Count, Count, Count])),
}, { additionalProperties: false }));

/** The cluster's agreed settings: state and cluster version, numbered so a newer one wins. */
export const ClusterSettingsSchema = Type.Object({
  /** Increases with every change the master coordinates. */
  e: Count,
  state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('NO_MIGRATION'), Type.Literal('FROZEN'), Type.Literal('PASSIVE')]),
  /** The cluster version's minor (the major is the protocol's). */
  minor: Type.Integer({ minimum: 0, maximum: 255 }),
  /** FROZEN and PASSIVE: addresses of the members when the state was set (returning members are admitted). */
  known: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: WireLimits.ADDRESS }), { maxItems: WireLimits.MEMBERS })),
}, { additionalProperties: false });

export type ClusterSettings = Static<typeof ClusterSettingsSchema>;

export const isMemberList = messageCheck('cluster.list', Type.Object({
  v: Count,
  members: Type.Array(Member, { minItems: 1, maxItems: WireLimits.MEMBERS }),
  /** Sent to re-synchronise a member whose view differs: accepted even if not newer. */
  sync: Type.Optional(Type.Boolean()),
  /** The cluster's settings (state, cluster version): a joiner learns them here. */
  s: Type.Optional(ClusterSettingsSchema),
}, { additionalProperties: false }));

export const isJoinRequest = messageCheck('cluster.join', Type.Object({ member: Member }, { additionalProperties: false }));
export const isJoinAnswer = messageCheck('cluster.join answer', Type.Object({
  ok: Type.Optional(Type.Boolean()),
  redirect: Type.Optional(Type.String({ maxLength: WireLimits.ADDRESS })),
  /** Why the master does not admit the joiner (cluster state, cluster version). */
  refused: Type.Optional(WireText),
}, { additionalProperties: false }));

export const isSuspicion = messageCheck('cluster.suspect', Type.Object({ id: MemberId, reason: WireText }, { additionalProperties: false }));
export const isMergeOrder = messageCheck('cluster.merge', Type.Object({ target: Type.String({ minLength: 1, maxLength: WireLimits.ADDRESS }) }, { additionalProperties: false }));
export const isNotMember = messageCheck('cluster.notMember', Type.Object({ v: Count }, { additionalProperties: false }));

/** Answers of ping and leave: `true`. */
export const isAck = messageCheck('cluster ack answer', Type.Literal(true));
/** Answers nobody reads (list request, merge check): anything small. */
export const isIgnoredAnswer = messageCheck('cluster ignored answer', Type.Union([Type.Null(), Type.Undefined(), Type.Boolean()]));

/** Whether the asked member holds the connection with this handshake nonce with the asker, opened by it (else by the asker). */
export const isConnectionQuery = messageCheck('cluster.connectionQuery', Type.Object({
  nonce: Type.String({ minLength: 1, maxLength: 128 }),
  opened: Type.Boolean(),
  /** Random, echoed in the answer: only the asked member knows it. */
  token: Type.String({ minLength: 32, maxLength: 32 }),
}, { additionalProperties: false }));
export const isConnectionAnswer = messageCheck('cluster.connectionAnswer', Type.Object({
  token: Type.String({ minLength: 32, maxLength: 32 }),
  holds: Type.Boolean(),
}, { additionalProperties: false }));

/** The master's two-phase change of the settings: prepare (a member refuses while it migrates), then commit or abort. */
export const isSettingsChange = messageCheck('cluster.settings', Type.Object({
  phase: Type.Union([Type.Literal('prepare'), Type.Literal('commit'), Type.Literal('abort')]),
  s: ClusterSettingsSchema,
}, { additionalProperties: false }));

/** A member asks the master for a change: a state, or the cluster version's upgrade. */
export const isSettingsRequest = messageCheck('cluster.settingsRequest', Type.Union([
  Type.Object({ state: ClusterSettingsSchema.properties.state }, { additionalProperties: false }),
  Type.Object({ upgrade: Type.Literal(true) }, { additionalProperties: false }),
]));
/** The master's answer: the resulting settings, or why not. */
export const isSettingsAnswer = messageCheck('cluster.settingsRequest answer', Type.Union([
  Type.Object({ ok: ClusterSettingsSchema }, { additionalProperties: false }),
  Type.Object({ refused: WireText }, { additionalProperties: false }),
]));
