/**
 * A minimal Prometheus registry: counters and one histogram kind, rendered in the text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Per app instance, no globals, so tests
 * and several apps in one process never share numbers.
 */

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

interface Metric {
  render(): string;
}

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

const renderLabels = (labels: Labels) => {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
};

export class MetricsRegistry {
  readonly #metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    const series = new Map<string, Series>();
    this.#metrics.push({
      render: () =>
        [
          `# HELP ${name} ${help}`,
          `# TYPE ${name} counter`,
          ...[...series.values()].map((s) => `${name}${renderLabels(s.labels)} ${s.value}`),
        ].join('\n'),
    });
    return {
      inc(labels = {}, by = 1) {
        const key = labelKey(labels);
        const entry = series.get(key);
        if (entry) entry.value += by;
        else series.set(key, { labels, value: by });
      },
      get(labels = {}) {
        return series.get(labelKey(labels))?.value ?? 0;
      },
    };
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
    this.#metrics.push({
      render: () => {
        const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
        for (const s of series.values()) {
          buckets.forEach((le, i) => {
            lines.push(`${name}_bucket${renderLabels({ ...s.labels, le: String(le) })} ${s.counts[i]}`);
          });
          lines.push(`${name}_bucket${renderLabels({ ...s.labels, le: '+Inf' })} ${s.count}`);
          lines.push(`${name}_sum${renderLabels(s.labels)} ${s.sum}`);
          lines.push(`${name}_count${renderLabels(s.labels)} ${s.count}`);
        }
        return lines.join('\n');
      },
    });
    return {
      observe(value, labels = {}) {
        const key = labelKey(labels);
        let entry = series.get(key);
        if (!entry) {
          entry = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
          series.set(key, entry);
        }
        buckets.forEach((le, i) => {
          if (value <= le) entry.counts[i]! += 1;
        });
        entry.sum += value;
        entry.count += 1;
      },
    };
  }

  render(): string {
    return `${this.#metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

/** The ingest's metrics, created once per app. */
export function createIngestMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    batches: registry.counter('accesslake_batches_total', 'Batches answered, by HTTP status.'),
    recordsAccepted: registry.counter(
      'accesslake_records_accepted_total',
      'Lines stored as canonical records.',
    ),
    recordsRejected: registry.counter(
      'accesslake_records_rejected_total',
      'Lines kept in the rejects prefix.',
    ),
    bytesIn: registry.counter('accesslake_bytes_in_total', 'Request body bytes received (compressed).'),
    bytesDecompressed: registry.counter('accesslake_bytes_decompressed_total', 'Batch bytes after gunzip.'),
    bytesOut: registry.counter('accesslake_bytes_out_total', 'Object bytes written to storage.'),
    storageErrors: registry.counter('accesslake_storage_errors_total', 'Failed storage writes, by kind.'),
    partitionErrors: registry.counter(
      'accesslake_partition_registration_errors_total',
      'Failed partition registrations.',
    ),
    requestSeconds: registry.histogram(
      'accesslake_request_duration_seconds',
      'Time to answer POST /v1/batches.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
