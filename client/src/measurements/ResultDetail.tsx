// Everything one result says, by its kind: each ping packet, each traceroute hop and its
// replies, a DNS answer's flags and records, an HTTP exchange's timings and certificate.
import { Time } from '../ui/Time';
import type { ProbeResult } from './queries';

type Ping = NonNullable<ProbeResult['ping']>;
type Traceroute = NonNullable<ProbeResult['traceroute']>;
type Dns = NonNullable<ProbeResult['dns']>;
type Http = NonNullable<ProbeResult['http']>;

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(2)} ms`);
const via = (protocol: string, port: number | null) => (port === null ? protocol : `${protocol} port ${port}`);

function PingDetail({ ping }: { ping: Ping }) {
  return (
    <dl class="facts">
      <dt>Pinged</dt>
      <dd class="mono">
        {ping.address} over {via(ping.protocol, ping.port)}
      </dd>
      <dt>Packets</dt>
      <dd class="mono" data-testid="ping-packets">
        {ping.packets.map((p) => `#${p.seq} ${p.rttMs === null ? 'no reply' : ms(p.rttMs)}`).join(' · ')}
      </dd>
      <dt>Min / avg / max</dt>
      <dd class="mono">
        {ms(ping.minMs)} / {ms(ping.avgMs)} / {ms(ping.maxMs)}
      </dd>
    </dl>
  );
}

function TracerouteDetail({ trace }: { trace: Traceroute }) {
  return (
    <>
      <p class="muted">
        To <span class="mono">{trace.address}</span> over {via(trace.protocol, trace.port)}, Paris id {trace.parisId}:{' '}
        {trace.reached ? 'reached' : 'not reached'}.
      </p>
      <table class="grid hops" data-testid="traceroute-hops">
        <tbody>
          {trace.hops.map((hop) => (
            <tr key={hop.ttl}>
              <td class="num mono">{hop.ttl}</td>
              <td class="mono">
                {hop.replies.map((reply) => (reply.from ? `${reply.from} ${ms(reply.rttMs)}` : '*')).join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function DnsDetail({ dns }: { dns: Dns }) {
  const flags = Object.entries({ aa: dns.flags.authoritative, tc: dns.flags.truncated, ra: dns.flags.recursionAvailable, ad: dns.flags.authenticData })
    .filter(([, on]) => on)
    .map(([flag]) => flag);
  return (
    <>
      <dl class="facts">
        <dt>Asked</dt>
        <dd class="mono">
          {dns.name} {dns.class} {dns.recordType} of {dns.resolver} over {dns.transport}
        </dd>
        <dt>Answer</dt>
        <dd class="mono">
          {dns.rcode}
          {flags.length > 0 && ` (${flags.join(' ')})`} in {ms(dns.timeMs)}, {dns.attempts} {dns.attempts === 1 ? 'query' : 'queries'}
        </dd>
      </dl>
      {dns.answers.length > 0 && (
        <table class="grid" data-testid="dns-answers">
          <tbody>
            {dns.answers.map((record, index) => (
              <tr key={index}>
                <td class="mono">{record.name}</td>
                <td class="num mono">{record.ttl}</td>
                <td class="mono">{record.recordType}</td>
                <td class="mono">{record.data}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function HttpDetail({ http }: { http: Http }) {
  const { timings, tls } = http;
  return (
    <dl class="facts">
      <dt>Asked</dt>
      <dd class="mono">
        {http.method} {http.url} at {http.address}
      </dd>
      <dt>Answer</dt>
      <dd class="mono">
        {http.httpVersion} {http.status}
        {http.statusMatches === false && ' (not the expected status)'}, {http.bodyBytes} bytes read{http.truncated && ' (more not read)'}
      </dd>
      <dt>Timings</dt>
      <dd class="mono" data-testid="http-timings">
        {timings.dnsMs !== null && `DNS ${ms(timings.dnsMs)} · `}connect {ms(timings.connectMs)}
        {timings.tlsMs !== null && ` · TLS ${ms(timings.tlsMs)}`} · first byte {ms(timings.firstByteMs)} · total {ms(timings.totalMs)}
      </dd>
      {tls && (
        <>
          <dt>TLS</dt>
          <dd class="mono">
            {tls.protocol} {tls.cipher}, {tls.authorized ? 'trusted' : `not trusted: ${tls.error ?? 'unknown reason'}`}
          </dd>
          <dt>Certificate</dt>
          <dd class="mono">
            {tls.subject}, issued by {tls.issuer}, expires <Time value={tls.expires} />
          </dd>
        </>
      )}
    </dl>
  );
}

export function ResultDetail({ result }: { result: ProbeResult }) {
  return (
    <div class="result-detail" data-testid="result-detail">
      {result.error && <p class="result-error">{result.error}</p>}
      {result.ping && <PingDetail ping={result.ping} />}
      {result.traceroute && <TracerouteDetail trace={result.traceroute} />}
      {result.dns && <DnsDetail dns={result.dns} />}
      {result.http && <HttpDetail http={result.http} />}
      <p class="muted">
        Measured at <Time value={result.measuredAt} /> on the server's clock (the probe's clock was {ms(result.clockOffsetMs)} off).
      </p>
    </div>
  );
}
