import type { ClusterState, GridMember } from '../api.js';
import type { ProtocolFeature } from '../transport/protocolVersion.js';
import type { WireCheck } from './wireSchema.js';

/**
 * The seam inside the grid bundle between the cluster layer (transport, handshake, join,
 * membership, failure detection: `cluster/`) and the data layer (partitions, maps, topics:
 * `partition/`, `map/`, `topic/`). The cluster layer implements it; the data layer uses only it.
 */
export interface MembershipView {
  /** Increases with every change the master publishes. */
  readonly version: number;
  /** Oldest first; `members[0]` is the master. */
  readonly members: readonly GridMember[];
}

export interface MembershipChange {
  readonly view: MembershipView;
  readonly added: readonly GridMember[];
  readonly removed: readonly GridMember[];
  /** True when `removed` left gracefully (announced leave) rather than crashed or went silent. */
  readonly graceful: boolean;
}

/** Handles a message for one service name; the returned value (if awaited by `request`) is the reply. */
export type MessageHandler<T = unknown> = (from: GridMember, payload: T) => unknown | Promise<unknown>;

/** A service's handler and the schema every payload from a peer is checked against before it runs. */
export interface ServiceHandler<T = unknown> {
  readonly check: WireCheck<T>;
  readonly handler: MessageHandler<T>;
}

export interface ClusterSpi {
  readonly local: GridMember;
  view(): MembershipView;
  isMaster(): boolean;
  onMembershipChange(listener: (change: MembershipChange) => void): () => void;
  /**
   * Called when the connection to a member closed, could not be opened or was replaced by a newer
   * one: messages sent to it may be lost, even when the member stays in the view (reconnected).
   */
  onConnectionLost(listener: (memberId: string) => void): () => void;

  /** Fire-and-forget; messages to one member arrive in send order. Dropped if the member is gone. */
  send(memberId: string, service: string, payload: unknown): void;
  /**
   * Request/response; rejects on timeout, member loss, a handler error (with its message) or an
   * answer that fails `answer` (the peer's connection is dropped then).
   */
  request<R>(memberId: string, service: string, payload: unknown, answer: WireCheck<R>, timeoutMs?: number): Promise<R>;
  /**
   * One handler per service name, e.g. `map`, `partition`, `topic`. A payload from a peer that fails
   * `check` never reaches the handler: the peer's connection is dropped and the violation logged.
   */
  handle<T>(service: string, check: WireCheck<T>, handler: MessageHandler<T>): void;

  /**
   * Split-brain heal: this member is about to leave its (smaller) cluster and join the larger one.
   * `before` runs first (the data layer snapshots its entries as merge candidates and drops its
   * partitions); `after` runs once this member is part of the larger cluster (the data layer
   * re-inserts the candidates through the merge policy).
   */
  onMerge(hooks: { before(): Promise<void> | void; after(): Promise<void> | void }): void;

  /** Throws FeatureUnavailableError, naming `what`, while the cluster version lacks a wire feature. */
  requireFeature(feature: ProtocolFeature, what: string): void;
  /** The agreed cluster state (Hazelcast's `ClusterState`). */
  clusterState(): ClusterState;
  /** Called when the state changes, or when a prepared change that paused migrations ends. */
  onClusterState(listener: (state: ClusterState) => void): () => void;
  /** ACTIVE and no state change prepared: partitions may migrate. */
  migrationAllowed(): boolean;
  /** Right after a freeze long enough for its removal, until it knows it still belongs: act as no partition's owner. */
  ownershipFenced(): boolean;
  /** Backups of lost members may be promoted (ACTIVE, NO_MIGRATION). */
  promotionAllowed(): boolean;
  /** The data layer tells why this member migrates a partition right now (undefined: it does not); a state change is refused meanwhile. */
  setMigrationCheck(check: () => string | undefined): void;

  /** Graceful shutdown hook: runs before the leave is announced (partitions are handed off here). */
  onBeforeLeave(hook: () => Promise<void>): void;
}
