// The land of the world as one SVG path, from Natural Earth's 1:110m outline bundled with
// the client (world-atlas): the map works with no network. The outline is loaded on the
// first map drawn, into its own chunk, and kept.
//
// The projection is equirectangular (x = longitude, y = −latitude), cut to the latitudes
// where people live so the map is not half ice: the map's frame is MAP_BOUNDS.
import type { Position } from 'geojson';
import { feature } from 'topojson-client';

export const MAP_BOUNDS = { west: -180, east: 180, north: 84, south: -58 };

/** The SVG viewBox matching MAP_BOUNDS. */
export const MAP_VIEWBOX = `${MAP_BOUNDS.west} ${-MAP_BOUNDS.north} ${MAP_BOUNDS.east - MAP_BOUNDS.west} ${MAP_BOUNDS.north - MAP_BOUNDS.south}`;

/** Where a point sits in the map's frame, as fractions of its width and height (0 to 1). */
export function mapPosition(latitude: number, longitude: number): { x: number; y: number } {
  const { west, east, north, south } = MAP_BOUNDS;
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  return { x: clamp((longitude - west) / (east - west)), y: clamp((north - latitude) / (north - south)) };
}

/** The point at fractions `x` and `y` of the map's width and height (the inverse of mapPosition). */
export function mapPoint(x: number, y: number): { latitude: number; longitude: number } {
  const { west, east, north, south } = MAP_BOUNDS;
  return { latitude: north - y * (north - south), longitude: west + x * (east - west) };
}

const KM_PER_DEGREE = 111.32;

/** A circle on Earth as an ellipse in the map's coordinates (degrees; wider towards the poles). */
export function mapEllipse(latitude: number, longitude: number, radiusKm: number) {
  const ry = radiusKm / KM_PER_DEGREE;
  const rx = ry / Math.max(Math.cos((latitude * Math.PI) / 180), 0.01);
  return { cx: longitude, cy: -latitude, rx, ry };
}

const ring = (points: Position[], shift: number) =>
  `M${points.map(([longitude, latitude]) => `${(longitude + shift).toFixed(1)},${(-latitude).toFixed(1)}`).join('L')}Z`;

/**
 * A ring as path data. The outline's rings cross the antimeridian (Chukotka, Fiji) by
 * jumping from 180° to −180°, which would draw a line across the world: the ring is made
 * continuous (past ±180°), and drawn again one world over so both sides show.
 */
function rings(points: Position[]): string {
  const continuous: Position[] = [];
  let offset = 0;
  for (const [index, [longitude, latitude]] of points.entries()) {
    if (index > 0) {
      const previous = points[index - 1][0];
      if (longitude - previous > 180) offset -= 360;
      if (longitude - previous < -180) offset += 360;
    }
    continuous.push([longitude + offset, latitude]);
  }
  const longitudes = continuous.map(([longitude]) => longitude);
  let d = ring(continuous, 0);
  if (Math.max(...longitudes) > MAP_BOUNDS.east) d += ring(continuous, -360);
  if (Math.min(...longitudes) < MAP_BOUNDS.west) d += ring(continuous, 360);
  return d;
}

let outline: Promise<string> | null = null;

/** The land's path data (`d`), in the map's coordinates. */
export function landPath(): Promise<string> {
  outline ??= import('world-atlas/land-110m.json').then(({ default: topology }) => {
    const parts: string[] = [];
    for (const { geometry } of feature(topology, topology.objects.land).features) {
      if (geometry.type === 'Polygon') parts.push(...geometry.coordinates.map(rings));
      if (geometry.type === 'MultiPolygon') parts.push(...geometry.coordinates.flatMap((polygon) => polygon.map(rings)));
    }
    return parts.join('');
  });
  // A chunk that failed to load (monitor restarted with a new build) is asked for again next time.
  outline.catch(() => {
    outline = null;
  });
  return outline;
}
