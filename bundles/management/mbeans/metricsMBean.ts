import type { MBean } from '../api.js';

/** Switches `/metrics` at run time and counts scrapes: `com.openexchange.management:type=Metrics`. */
export class MetricsControl {
  enabled = true;
  scrapes = 0;

  mbean(): MBean {
    return {
      className: 'oxkernel.management.MetricsMBean',
      description: 'The Prometheus endpoint /metrics',
      attributes: [
        { name: 'Enabled', type: 'boolean', description: '/metrics answers 404 while false', get: () => this.enabled, set: (v) => { this.enabled = v as boolean; } },
        { name: 'ScrapeCount', type: 'long', description: 'Scrapes answered since start', get: () => this.scrapes },
      ],
    };
  }
}
