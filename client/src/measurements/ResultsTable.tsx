// A measurement's results, newest first, each with what its kind measured in a few words
// and all of it on demand; only the newest SHOWN_ROWS are in the page (the chart and the
// download have them all).
import { useState } from 'preact/hooks';
import { Time } from '../ui/Time';
import type { ProbeResult } from './queries';
import { ResultDetail } from './ResultDetail';

export const SHOWN_ROWS = 200;
const COLUMNS = 7;

function summary(result: ProbeResult): string {
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
          <th />
        </tr>
      </thead>
      <tbody>
        {newest.length === 0 && (
          <tr>
            <td colSpan={COLUMNS} class="muted">
              No results yet: they appear here as probes send them.
            </td>
          </tr>
        )}
        {newest.map((result) => (
          <ResultRow key={result.id} result={result} />
        ))}
      </tbody>
    </table>
  );
}

function ResultRow({ result }: { result: ProbeResult }) {
  const [open, setOpen] = useState(false);
  const probe = result.probe?.name ?? result.probeId;
  return (
    <>
      <tr data-testid="result-row" data-probe={probe}>
        <td>
          <Time value={result.measuredAt} />
        </td>
        <td class="mono">{probe}</td>
        <td class="mono">{result.target}</td>
        <td class="num mono">{result.run}</td>
        <td class="num mono" data-testid="result-rtt">
          {result.rttMs === null ? <span class="muted">—</span> : `${result.rttMs.toFixed(2)} ms`}
        </td>
        <td data-testid="result-summary">{result.error ? <span class="result-error">{result.error}</span> : summary(result)}</td>
        <td class="actions">
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="result-toggle">
            {open ? 'Less' : 'More'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="result-more">
          <td colSpan={COLUMNS}>
            <ResultDetail result={result} />
          </td>
        </tr>
      )}
    </>
  );
}
