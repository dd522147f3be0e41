import { BundleState } from '../../core/bundle.js';
import type { KernelService } from '../../core/kernelService.js';
import type { HttpReply } from './api.js';
import type { HttpConnector } from './connector.js';

/** `GET /health`: 200 UP once every enabled bundle is ACTIVE and every section is up, else 503. */
export function healthReply(kernel: KernelService, connector: HttpConnector): HttpReply {
  const bundles: Record<string, string> = {};
  let up = true;
  for (const b of kernel.bundles()) {
    bundles[b.name] = b.state;
    if (b.state !== BundleState.ACTIVE && b.state !== BundleState.DISABLED) up = false;
  }
  const json: Record<string, unknown> = { status: 'UP', bundles };
  for (const [name, section] of connector.healthSections()) {
    try {
      const s = section();
      json[name] = s.details;
      up &&= s.up;
    } catch (err) {
      json[name] = { error: (err as Error).message };
      up = false;
    }
  }
  json.status = up ? 'UP' : 'DOWN';
  return { status: up ? 200 : 503, json, headers: { 'cache-control': 'no-store' } };
}
