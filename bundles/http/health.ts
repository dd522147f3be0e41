import { BundleState } from '../../core/bundle.js';
import type { KernelService } from '../../core/kernelService.js';
import { isLocalAddress } from './access.js';
import type { HttpReply, HttpRequest } from './api.js';
import type { HttpConnector } from './connector.js';

function publicOnly(details: Record<string, unknown>, publicFields: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => publicFields.includes(key)));
}

/**
 * `GET /health`: 200 UP once every enabled bundle is ACTIVE (or stopped by an operator) and every section is up, else 503.
 * Loopback callers and callers a trust check accepts see everything; anyone else sees the status,
 * bundle counts and each section's public fields (counts), nothing that names the cluster or its members.
 */
export function healthReply(kernel: KernelService, connector: HttpConnector, req: HttpRequest): HttpReply {
  const full = isLocalAddress(req.remoteAddress) || connector.trustedForHealth(req);
  const bundles: Record<string, string> = {};
  let up = true;
  let active = 0;
  for (const b of kernel.bundles()) {
    bundles[b.name] = b.state;
    if (b.state === BundleState.ACTIVE) active += 1;
    // A bundle an operator stopped is off on purpose, like a disabled one; one stopped with its provider is not.
    if (b.state !== BundleState.ACTIVE && b.state !== BundleState.DISABLED && !b.stoppedByOperator) up = false;
  }
  const json: Record<string, unknown> = { status: 'UP', bundles: full ? bundles : { total: Object.keys(bundles).length, active } };
  for (const [name, section] of connector.healthSections()) {
    try {
      const s = section();
      json[name] = full ? s.details : publicOnly(s.details, s.publicFields);
      up &&= s.up;
    } catch (err) {
      json[name] = full ? { error: (err as Error).message } : {};
      up = false;
    }
  }
  json.status = up ? 'UP' : 'DOWN';
  return { status: up ? 200 : 503, json, headers: { 'cache-control': 'no-store' } };
}
