// The probes on a map of the world: the land drawn from the outline bundled with the
// client, each probe a dot where it stands (green while connected), and an area when one
// is given; it can also pick a point. Dots are HTML over the SVG so they keep their size
// at any width.
import { useEffect, useState } from 'preact/hooks';
import type { Probe } from './queries';
import { MAP_VIEWBOX, landPath, mapEllipse, mapPoint, mapPosition } from './worldOutline';

interface ProbeMapProps {
  probes: Probe[];
  /** A circle to draw, e.g. the area a measurement's probes are chosen in. */
  area?: { latitude: number; longitude: number; radiusKm: number } | null;
  /** Makes the map a picker: a click gives the point under it. */
  onPick?: (point: { latitude: number; longitude: number }) => void;
}

const round = (value: number) => Math.round(value * 100) / 100;

export function ProbeMap({ probes, area, onPick }: ProbeMapProps) {
  const [land, setLand] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    landPath().then(
      (d) => current && setLand(d),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, []);
  // Connected probes are drawn last, on top of any disconnected one in the same place.
  const ordered = [...probes].sort((a, b) => Number(a.connected) - Number(b.connected));
  const connected = probes.filter((p) => p.connected).length;
  const pick = (event: MouseEvent) => {
    if (!onPick) return;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const { latitude, longitude } = mapPoint((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
    onPick({ latitude: round(latitude), longitude: round(longitude) });
  };

  return (
    <figure class="probe-map-frame">
      <div
        class="probe-map"
        role="img"
        aria-label={`${probes.length} probes on a world map, ${connected} connected`}
        data-testid="probe-map"
        data-land={land ? 'drawn' : 'loading'}
        onClick={pick}
        style={onPick ? { cursor: 'crosshair' } : undefined}
      >
        <svg viewBox={MAP_VIEWBOX} preserveAspectRatio="none" aria-hidden="true">
          {land && <path class="land" d={land} vector-effect="non-scaling-stroke" />}
          {area && <ellipse class="area" {...mapEllipse(area.latitude, area.longitude, area.radiusKm)} vector-effect="non-scaling-stroke" data-testid="probe-map-area" />}
        </svg>
        {ordered.map((probe) => {
          const { x, y } = mapPosition(probe.location.latitude, probe.location.longitude);
          const state = probe.connected ? 'connected' : 'disconnected';
          return (
            <span
              key={probe.id}
              class={`probe-dot ${state}`}
              style={{ left: `${(x * 100).toFixed(3)}%`, top: `${(y * 100).toFixed(3)}%` }}
              title={`${probe.name}: ${state} (${probe.location.latitude}, ${probe.location.longitude})`}
              data-testid={`probe-dot-${probe.name}`}
              data-state={state}
            />
          );
        })}
      </div>
      <figcaption class="muted">
        <span class="probe-dot-key connected" /> connected <span class="probe-dot-key disconnected" /> disconnected
        {failed && ' · the map outline did not load; reload the page to try again'}
      </figcaption>
    </figure>
  );
}
