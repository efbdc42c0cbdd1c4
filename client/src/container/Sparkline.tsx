// A small line chart of the last minute: one or two series, scaled to their own peak (or
// to a fixed top such as a memory limit), drawn as SVG so it stays sharp at any width.
export interface Series {
  values: (number | null)[];
  className: string;
}

interface SparklineProps {
  series: Series[];
  /** The value at the top edge; the largest value shown when absent. */
  top?: number | null;
  slots: number;
  label: string;
  testid: string;
}

const HEIGHT = 40;

export function Sparkline({ series, top, slots, label, testid }: SparklineProps) {
  const peak = Math.max(top ?? 0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)), 1e-9);
  const x = (index: number, count: number) => ((slots - count + index) / Math.max(slots - 1, 1)) * 100;
  const y = (value: number) => HEIGHT - (value / peak) * (HEIGHT - 2) - 1;
  return (
    <svg class="sparkline" viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={label} data-testid={testid}>
      {series.map((s) => {
        const points = s.values
          .map((value, index) => (value === null ? null : `${x(index, s.values.length).toFixed(2)},${y(value).toFixed(2)}`))
          .filter((point) => point !== null)
          .join(' ');
        return <polyline key={s.className} class={s.className} points={points} vector-effect="non-scaling-stroke" />;
      })}
    </svg>
  );
}
