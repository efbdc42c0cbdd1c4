// What each kind of measurement takes, with the bounds RIPE Atlas and Globalping users
// know (the server's, see schema.graphql): the builder draws its fields from this table,
// checks numbers as they are typed, and leaves a blank field to the server's default.
import type { MeasurementKind } from '../api/schema.generated';

export const KINDS: readonly MeasurementKind[] = ['PING', 'TRACEROUTE', 'DNS', 'HTTP'];

interface Base {
  /** The field's name in the kind's params input, e.g. `packets`. */
  key: string;
  label: string;
  /** Only shown (and sent) when the other fields say so, e.g. a port for TCP. */
  shownWhen?: (values: Record<string, string>) => boolean;
}

export type ParamSpec = Base &
  (
    | { type: 'int'; min: number; max: number; fallback?: number; unit?: string }
    | { type: 'choice'; options: readonly string[] }
    | { type: 'flag'; fallback: boolean }
    | { type: 'text'; placeholder: string; wide?: boolean }
    | { type: 'headers' }
  );

const overTcpOrUdp = (values: Record<string, string>) => values.protocol === 'TCP' || values.protocol === 'UDP';

export const PARAMS: Record<MeasurementKind, ParamSpec[]> = {
  PING: [
    { key: 'protocol', label: 'Protocol', type: 'choice', options: ['ICMP', 'TCP'] },
    { key: 'port', label: 'Port', type: 'int', min: 1, max: 65_535, shownWhen: (v) => v.protocol === 'TCP' },
    { key: 'packets', label: 'Packets', type: 'int', min: 1, max: 16, fallback: 3 },
    { key: 'size', label: 'Size', type: 'int', min: 0, max: 2048, fallback: 48, unit: 'bytes' },
    { key: 'intervalMs', label: 'Interval', type: 'int', min: 200, max: 30_000, fallback: 1000, unit: 'ms' },
  ],
  TRACEROUTE: [
    { key: 'protocol', label: 'Protocol', type: 'choice', options: ['ICMP', 'UDP', 'TCP'] },
    { key: 'port', label: 'Port', type: 'int', min: 1, max: 65_535, shownWhen: overTcpOrUdp },
    { key: 'firstHop', label: 'First hop', type: 'int', min: 1, max: 255, fallback: 1 },
    { key: 'maxHops', label: 'Max hops', type: 'int', min: 1, max: 255, fallback: 30 },
    { key: 'packetsPerHop', label: 'Packets per hop', type: 'int', min: 1, max: 16, fallback: 3 },
    { key: 'size', label: 'Size', type: 'int', min: 0, max: 2048, unit: 'bytes' },
    { key: 'timeoutMs', label: 'Timeout per hop', type: 'int', min: 1, max: 60_000, fallback: 4000, unit: 'ms' },
    { key: 'parisId', label: 'Paris id', type: 'int', min: 0, max: 64 },
  ],
  DNS: [
    {
      key: 'recordType',
      label: 'Record type',
      type: 'choice',
      options: ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT', 'CAA', 'DS', 'DNSKEY', 'ANY'],
    },
    { key: 'class', label: 'Class', type: 'choice', options: ['IN', 'CHAOS'] },
    { key: 'transport', label: 'Transport', type: 'choice', options: ['UDP', 'TCP'] },
    { key: 'resolver', label: 'Resolver (blank: the probe’s own)', type: 'text', placeholder: '192.0.2.53:53' },
    { key: 'recursionDesired', label: 'Recursion desired', type: 'flag', fallback: true },
    { key: 'dnssecOk', label: 'DNSSEC OK', type: 'flag', fallback: false },
    { key: 'retries', label: 'Retries', type: 'int', min: 0, max: 10 },
    { key: 'timeoutMs', label: 'Timeout', type: 'int', min: 100, max: 30_000, unit: 'ms' },
  ],
  HTTP: [
    { key: 'url', label: 'URL', type: 'text', placeholder: 'https://example.com/health', wide: true },
    { key: 'method', label: 'Method', type: 'choice', options: ['GET', 'HEAD', 'OPTIONS'] },
    { key: 'timeoutSeconds', label: 'Timeout', type: 'int', min: 1, max: 30, unit: 's' },
    { key: 'expectedStatus', label: 'Expected status', type: 'int', min: 100, max: 599 },
    { key: 'headers', label: 'Headers (one `Name: value` a line, up to 32)', type: 'headers' },
  ],
};

/** The spec's fields that apply to `values` (a port only for TCP, say). */
export function shownParams(kind: MeasurementKind, values: Record<string, string>): ParamSpec[] {
  return PARAMS[kind].filter((spec) => !spec.shownWhen || spec.shownWhen(values));
}

/** Why a typed whole number is out of its bounds, or null when it is fine or blank. */
export function intProblem(spec: { min: number; max: number }, text: string): string | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value)) return 'a whole number';
  if (value < spec.min || value > spec.max) return `${spec.min.toLocaleString('en')} to ${spec.max.toLocaleString('en')}`;
  return null;
}

/** `Name: value` lines as headers; blank lines are skipped. */
export function parseHeaders(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? { name: line.trim(), value: '' } : { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

/** The kind's params input from what was typed: blank fields left to the server's defaults. */
export function paramsInput(kind: MeasurementKind, values: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const spec of shownParams(kind, values)) {
    const text = values[spec.key] ?? '';
    if (spec.type === 'headers') input.headers = parseHeaders(text);
    else if (text.trim() === '') continue;
    else if (spec.type === 'int') input[spec.key] = Number(text);
    else if (spec.type === 'flag') input[spec.key] = text === 'true';
    else input[spec.key] = text.trim();
  }
  return input;
}
