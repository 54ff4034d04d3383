import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { routePatternOf } from './route-pattern.js';

/**
 * Prometheus metrics on a registry of our own (never prom-client's global one), so that
 * tests can build several apps in one process. The runtime feeds the domain counters; the
 * HTTP shell feeds the request histogram.
 */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  instancesStarted: Counter<'definition_key'>;
  instancesCompleted: Counter<'definition_key'>;
  taskCompletions: Counter<'definition_key'>;
  incidents: Counter<'definition_key'>;
  /** Seconds between a timer's dueAt and the moment it fired. */
  timerLag: Histogram<never>;
  /** What GET /metrics answers: this registry, or (workers) the merged registries of all workers. */
  exposition(): Promise<string>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** With several workers: given this worker's registry, the text of all of them (src/cluster-metrics.ts). */
  gather?: (registry: Registry) => () => Promise<string>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const gathered = options.gather?.(registry);
  return {
    registry,
    exposition: gathered ?? (() => registry.metrics()),
    httpRequestDuration: new Histogram({
      name: 'samenspel_http_request_duration_seconds',
      help: 'Duration of HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    instancesStarted: new Counter({
      name: 'samenspel_instances_started_total',
      help: 'Process instances started',
      labelNames: ['definition_key'],
      registers,
    }),
    instancesCompleted: new Counter({
      name: 'samenspel_instances_completed_total',
      help: 'Process instances that reached an end',
      labelNames: ['definition_key'],
      registers,
    }),
    taskCompletions: new Counter({
      name: 'samenspel_task_completions_total',
      help: 'User tasks completed',
      labelNames: ['definition_key'],
      registers,
    }),
    incidents: new Counter({
      name: 'samenspel_incidents_total',
      help: 'Incidents raised (a step that failed)',
      labelNames: ['definition_key'],
      registers,
    }),
    timerLag: new Histogram({
      name: 'samenspel_timer_lag_seconds',
      help: 'Delay between a timer being due and it firing',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
  };
}

/** Times every request; the label is the route pattern, never the real path. */
export function httpMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequestDuration.observe({ method: req.method, route: routePatternOf(req, res), status: String(res.statusCode) }, seconds);
    });
    next();
  };
}

/** GET /metrics: the registry in Prometheus text format. */
export function metricsHandler(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.exposition();
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.registry.contentType).send(body);
  };
}
