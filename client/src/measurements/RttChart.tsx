// The headline time of each result over time (a ping's average RTT, a trace's last hop,
// a DNS answer's time, an HTTP total), one line per probe, drawn as SVG: the x axis runs
// from the first result to the last, the y axis from 0 to the slowest.
import type { ProbeResult } from './queries';

const WIDTH = 600;
const HEIGHT = 160;
const COLOURS = ['#4d9fff', '#2ea043', '#d29922', '#e5534b', '#a371f7', '#39c5cf', '#f778ba', '#c9d1d9'];

interface Series {
  probeId: string;
  name: string;
  colour: string;
  points: { at: number; ms: number }[];
}

function seriesOf(results: ProbeResult[]): Series[] {
  const byProbe = new Map<string, Series>();
  for (const result of results) {
    if (result.rttMs === null) continue;
    let series = byProbe.get(result.probeId);
    if (!series) {
      const colour = COLOURS[byProbe.size % COLOURS.length];
      series = { probeId: result.probeId, name: result.probe?.name ?? result.probeId, colour, points: [] };
      byProbe.set(result.probeId, series);
    }
    series.points.push({ at: Date.parse(result.measuredAt), ms: result.rttMs });
  }
  return [...byProbe.values()];
}

/** A round top for the y axis: 1, 2 or 5 times a power of ten, at least the peak. */
function roundUp(peak: number): number {
  const power = 10 ** Math.floor(Math.log10(peak));
  return ([1, 2, 5, 10].map((m) => m * power).find((top) => top >= peak) ?? 10 * power);
}

const formatMs = (ms: number) => (ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2));
const clockTime = (at: number) => new Date(at).toLocaleTimeString();

export function RttChart({ results }: { results: ProbeResult[] }) {
  const series = seriesOf(results);
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) {
    return (
      <p class="muted" data-testid="rtt-chart-empty">
        No times measured yet.
      </p>
    );
  }
  const first = Math.min(...points.map((p) => p.at));
  const last = Math.max(...points.map((p) => p.at));
  // Headroom above the slowest, so its dot is not cut by the top edge.
  const top = roundUp(Math.max(...points.map((p) => p.ms), 0.01) * 1.1);
  // A single instant sits in the middle.
  const x = (at: number) => (last === first ? WIDTH / 2 : ((at - first) / (last - first)) * WIDTH);
  const y = (ms: number) => HEIGHT - (ms / top) * HEIGHT;

  return (
    <figure class="rtt-chart" data-testid="rtt-chart">
      <div class="rtt-plot">
        <span class="rtt-axis rtt-top mono">{formatMs(top)} ms</span>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label="time measured per probe">
          <line class="rtt-grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} vector-effect="non-scaling-stroke" />
          {series.map((s) => {
            const coordinates = s.points.map((p) => `${x(p.at).toFixed(1)},${y(p.ms).toFixed(1)}`);
            return (
              <g key={s.probeId} stroke={s.colour} data-testid={`rtt-series-${s.name}`} data-points={s.points.length}>
                <polyline class="rtt-line" points={coordinates.join(' ')} vector-effect="non-scaling-stroke" />
                {/* A zero-length segment with a round cap: a dot that keeps its size. */}
                <path class="rtt-dots" d={coordinates.map((c) => `M${c}h0`).join('')} vector-effect="non-scaling-stroke" />
              </g>
            );
          })}
        </svg>
        <span class="rtt-axis rtt-start mono">{clockTime(first)}</span>
        <span class="rtt-axis rtt-end mono">{clockTime(last)}</span>
      </div>
      <figcaption class="rtt-legend">
        {series.map((s) => (
          <span key={s.probeId} class="mono">
            <span class="rtt-key" style={{ background: s.colour }} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
