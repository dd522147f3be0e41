/**
 * The V8 options a node runs with. The `oxk` shebang and `npm start` carry them too (a test keeps
 * the three in step), and `oxk start` warns when they are missing. Map records live off V8's heap,
 * so the live heap is small; V8 sizes its old-generation limit from the live heap, and the grid's
 * per-operation garbage would then start a mark-compact every fraction of a second. A 128 MB floor,
 * like a JVM's -Xms, only raises that limit: it reserves nothing until the heap grows.
 */
export const NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];

/** The flags of NODE_FLAGS this process was started without. */
export function missingNodeFlags(): string[] {
  return NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
}
