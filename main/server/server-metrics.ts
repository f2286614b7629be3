// The server's own metrics (HTTP, logins, rate limits), added after the engine's in GET /metrics.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']);

export function createServerMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({ name: 'bsc_http_requests_total', help: 'HTTP requests, by method, route and status.', labelNames: ['method', 'route', 'status'], registers });
  const duration = new Histogram({ name: 'bsc_http_request_duration_seconds', help: 'HTTP request durations, by route.', labelNames: ['route'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
  const rateLimited = new Counter({ name: 'bsc_http_rate_limited_total', help: 'Requests refused with 429, by limit.', labelNames: ['limit'], registers });
  const loginFailures = new Counter({ name: 'bsc_login_failures_total', help: 'Failed admin logins.', registers });
  const sseClients = new Gauge({ name: 'bsc_sse_clients', help: 'Open /events streams.', registers });
  return {
    registry,
    request(method: string | undefined, route: string, status: number, seconds: number) {
      requests.inc({ method: method && KNOWN_METHODS.has(method) ? method : 'other', route, status: String(status) });
      duration.observe({ route }, seconds);
    },
    rateLimited: (limit: string) => rateLimited.inc({ limit }),
    loginFailed: () => loginFailures.inc(),
    sseClients: (n: number) => sseClients.set(n),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
