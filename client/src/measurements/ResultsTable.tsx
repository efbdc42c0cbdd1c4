// A measurement's results, newest first, each with what its kind measured in a few words;
// only the newest SHOWN_ROWS are in the page (the chart and the download have them all).
import { Time } from '../ui/Time';
import type { ProbeResult } from './queries';

export const SHOWN_ROWS = 200;

function details(result: ProbeResult): string {
  const { ping, traceroute, dns, http } = result;
  if (ping) return `${ping.received}/${ping.sent} replies, ${ping.lossPercent}% loss, ${ping.address}`;
  if (traceroute) return `${traceroute.hops.length} hops to ${traceroute.address}${traceroute.reached ? '' : ', not reached'}`;
  if (dns) return `${dns.rcode}, ${dns.answers.length} answers${dns.answers[0] ? `: ${dns.answers[0].data}` : ''}`;
  if (http) return `HTTP ${http.status}${http.statusMatches === false ? ' (not the expected status)' : ''}`;
  return '';
}

export function ResultsTable({ results }: { results: ProbeResult[] }) {
  const newest = results.slice(-SHOWN_ROWS).reverse();
  return (
    <table class="grid results" data-testid="results-table">
      <thead>
        <tr>
          <th>Measured</th>
          <th>Probe</th>
          <th>Target</th>
          <th class="num">Run</th>
          <th class="num">Time</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {newest.length === 0 && (
          <tr>
            <td colSpan={6} class="muted">
              No results yet: they appear here as probes send them.
            </td>
          </tr>
        )}
        {newest.map((result) => (
          <tr key={result.id} data-testid="result-row" data-probe={result.probe?.name ?? result.probeId}>
            <td>
              <Time value={result.measuredAt} />
            </td>
            <td class="mono">{result.probe?.name ?? result.probeId}</td>
            <td class="mono">{result.target}</td>
            <td class="num mono">{result.run}</td>
            <td class="num mono" data-testid="result-rtt">
              {result.rttMs === null ? <span class="muted">—</span> : `${result.rttMs.toFixed(2)} ms`}
            </td>
            <td data-testid="result-details">
              {result.error ? <span class="result-error">{result.error}</span> : details(result)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
