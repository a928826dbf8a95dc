import { acceptRequestId, formatTraceparent, newTraceparent, parseTraceparent } from '../src/lib/request-context.js';
import { parseExposition, sumOf } from '../src/lib/exposition.js';
import { metricsRegistry, serveMetrics } from '../src/lib/metrics.js';

describe('request ids', () => {
  it('keeps a short token and replaces anything else with a UUID', () => {
    expect(acceptRequestId('req-42.a:b@c')).toBe('req-42.a:b@c');
    for (const bad of [undefined, '', 'two words', 'x'.repeat(129), 'quote"', 'new\nline']) {
      expect(acceptRequestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('traceparent', () => {
  it('parses a valid header and formats it back', () => {
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseTraceparent(header)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true });
    expect(formatTraceparent({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true })).toBe(header);
  });

  it('refuses all-zero ids, version ff and malformed headers', () => {
    for (const bad of ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-xyz-00f067aa0ba902b7-01', undefined]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it('starts a new valid root', () => {
    expect(parseTraceparent(formatTraceparent(newTraceparent()))).toMatchObject({ sampled: false });
  });
});

describe('the metrics listener', () => {
  it('serves the registry at /metrics, labelled with its component, and says how to fix a taken port', async () => {
    const registry = metricsRegistry('spec');
    const served = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
    try {
      const samples = parseExposition(await (await fetch(served.url)).text());
      expect(sumOf(samples, 'process_cpu_seconds_total', { component: 'spec' })).toBeGreaterThan(0);
      const port = Number(new URL(served.url).port);
      await expect(serveMetrics(registry, { host: '127.0.0.1', port })).rejects.toThrow(`the metrics listener cannot use 127.0.0.1:${port} (EADDRINUSE): set METRICS_PORT to a free port, or to 0 to turn metrics off`);
    } finally {
      await served.close();
    }
  });

  it('parses label values with escapes', () => {
    expect(parseExposition('# HELP x y\nx{a="q\\"uote",b="back\\\\slash"} 3\n')).toEqual([{ name: 'x', labels: { a: 'q"uote', b: 'back\\slash' }, value: 3 }]);
  });
});
