import winston from 'winston';

const lineFormat = winston.format.printf((info) => {
  const label = info.bundle ? `[${String(info.bundle)}@${String(info.route ?? '')}] ` : `[kernel@${String(info.route ?? '')}] `;
  return `${String(info.timestamp)} ${info.level.toUpperCase().padEnd(5)} ${label}${String(info.message)}`;
});

/** The node's root logger: one line per event on stdout, labelled with the node's route. */
export function createRootLogger(route: string, level = process.env.OXK_LOG_LEVEL ?? 'info'): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { route },
    format: winston.format.combine(winston.format.timestamp(), lineFormat),
    transports: [new winston.transports.Console()],
  });
}

/** A bundle's child logger; every line names the bundle and the node's route. */
export function bundleLogger(root: winston.Logger, bundle: string): winston.Logger {
  return root.child({ bundle });
}
