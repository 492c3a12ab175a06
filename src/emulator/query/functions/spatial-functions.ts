/**
 * Spatial functions over GeoJSON (WGS-84 longitude/latitude). Distances between points are
 * geodesic, on the WGS-84 ellipsoid (Vincenty's formulae), which agrees with the service's figures
 * to well under a metre; containment and intersection treat polygon edges as straight lines in
 * longitude and latitude, which is close for the small areas queries usually test against.
 */
import type { SqlValue } from "../ast";
import { isObject } from "../values";
import { type FunctionTable, fn } from "./function-table";

type Position = [number, number];
type Ring = Position[];

interface Geometry {
  points: Position[];
  polygons: Ring[][];
  lines: Position[][];
}

const isPosition = (value: SqlValue): value is Position =>
  Array.isArray(value) && value.length >= 2 && value.every((coordinate) => typeof coordinate === "number");

/** Why a GeoJSON value is not a valid geometry, or undefined when it is. */
function invalidReason(value: SqlValue): string | undefined {
  if (!isObject(value) || typeof value.type !== "string")
    return "The object is not a GeoJSON geometry: it needs a 'type'.";
  const { type, coordinates } = value;
  const position = (p: SqlValue): string | undefined => {
    if (!isPosition(p)) return "A position must be an array of at least two numbers.";
    const [longitude, latitude] = p;
    if (latitude < -90 || latitude > 90) return "Latitude values must be between -90 and 90 degrees.";
    if (longitude < -180 || longitude > 180) return "Longitude values must be between -180 and 180 degrees.";
    return undefined;
  };
  const list = (items: SqlValue, each: (item: SqlValue) => string | undefined, minimum: number): string | undefined =>
    Array.isArray(items) && items.length >= minimum
      ? items.map(each).find((reason) => reason !== undefined)
      : `Expected an array of at least ${minimum} element(s).`;
  const ring = (r: SqlValue): string | undefined =>
    list(r, position, 4) ??
    (JSON.stringify((r as Position[])[0]) === JSON.stringify((r as Position[]).at(-1))
      ? undefined
      : "The polygon's ring must be closed: its first and last positions must be the same.");
  const checks: Record<string, () => string | undefined> = {
    Point: () => position(coordinates),
    MultiPoint: () => list(coordinates, position, 1),
    LineString: () => list(coordinates, position, 2),
    MultiLineString: () => list(coordinates, (line) => list(line, position, 2), 1),
    Polygon: () => list(coordinates, ring, 1),
    MultiPolygon: () => list(coordinates, (polygon) => list(polygon, ring, 1), 1),
  };
  const check = checks[type];
  return check ? check() : `'${type}' is not a GeoJSON geometry type.`;
}

function geometryOf(value: SqlValue): Geometry | undefined {
  if (invalidReason(value) !== undefined) return undefined;
  const { type, coordinates } = value as { type: string; coordinates: SqlValue };
  const empty: Geometry = { points: [], polygons: [], lines: [] };
  if (type === "Point") return { ...empty, points: [coordinates as Position] };
  if (type === "MultiPoint") return { ...empty, points: coordinates as Position[] };
  if (type === "LineString") return { ...empty, lines: [coordinates as Position[]] };
  if (type === "MultiLineString") return { ...empty, lines: coordinates as Position[][] };
  if (type === "Polygon") return { ...empty, polygons: [coordinates as Ring[]] };
  return { ...empty, polygons: coordinates as Ring[][] };
}

const vertices = (geometry: Geometry): Position[] => [
  ...geometry.points,
  ...geometry.lines.flat(),
  ...geometry.polygons.flatMap((polygon) => polygon.flat()),
];

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Geodesic distance in metres on the WGS-84 ellipsoid (Vincenty's inverse formula). */
export function geodesicDistance([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const L = radians(lon2 - lon1);
  const U1 = Math.atan((1 - f) * Math.tan(radians(lat1)));
  const U2 = Math.atan((1 - f) * Math.tan(radians(lat2)));
  const [sinU1, cosU1, sinU2, cosU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)];
  let lambda = L;
  let sinSigma = 0;
  let cosSigma = 1;
  let sigma = 0;
  let cos2Alpha = 1;
  let cos2SigmaM = 0;
  for (let iteration = 0; iteration < 200; iteration++) {
    const [sinLambda, cosLambda] = [Math.sin(lambda), Math.cos(lambda)];
    sinSigma = Math.hypot(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda);
    if (sinSigma === 0) return 0;
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const previous = lambda;
    lambda =
      L +
      (1 - C) *
        f *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - previous) < 1e-12) break;
  }
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const deltaSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  return b * A * (sigma - deltaSigma);
}

/** Even-odd rule: inside the outer ring and outside every hole. */
function insidePolygon([x, y]: Position, polygon: Ring[]): boolean {
  const insideRing = (ring: Ring): boolean => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Position;
      const [xj, yj] = ring[j] as Position;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const [outer, ...holes] = polygon;
  return outer !== undefined && insideRing(outer) && !holes.some(insideRing);
}

const insideAny = (position: Position, geometry: Geometry): boolean =>
  geometry.polygons.some((polygon) => insidePolygon(position, polygon));

function segmentsCross([a, b]: [Position, Position], [c, d]: [Position, Position]): boolean {
  const side = (p: Position, q: Position, r: Position): number =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return side(a, b, c) !== side(a, b, d) && side(c, d, a) !== side(c, d, b);
}

const segments = (geometry: Geometry): [Position, Position][] =>
  [...geometry.lines, ...geometry.polygons.flat()].flatMap((path) =>
    path.slice(1).map((end, index) => [path[index] as Position, end] as [Position, Position]),
  );

function within(inner: Geometry, outer: Geometry): boolean {
  const points = vertices(inner);
  return points.length > 0 && points.every((position) => insideAny(position, outer));
}

function intersects(left: Geometry, right: Geometry): boolean {
  if (vertices(left).some((p) => insideAny(p, right)) || vertices(right).some((p) => insideAny(p, left))) return true;
  const same = (p: Position, q: Position) => p[0] === q[0] && p[1] === q[1];
  if (vertices(left).some((p) => vertices(right).some((q) => same(p, q)))) return true;
  return segments(left).some((s) => segments(right).some((t) => segmentsCross(s, t)));
}

function distance(left: Geometry, right: Geometry): number {
  if (intersects(left, right)) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (const p of vertices(left)) for (const q of vertices(right)) best = Math.min(best, geodesicDistance(p, q));
  return best;
}

const twoGeometries = (compute: (left: Geometry, right: Geometry) => SqlValue) =>
  fn(2, 2, ([left, right]) => {
    const a = geometryOf(left);
    const b = geometryOf(right);
    return a && b ? compute(a, b) : undefined;
  });

export const SPATIAL_FUNCTIONS: FunctionTable = {
  ST_DISTANCE: twoGeometries(distance),
  ST_WITHIN: twoGeometries(within),
  ST_INTERSECTS: twoGeometries(intersects),
  ST_ISVALID: fn(1, 1, ([value]) => invalidReason(value) === undefined),
  ST_ISVALIDDETAILED: fn(1, 1, ([value]) => {
    const reason = invalidReason(value);
    return reason === undefined ? { valid: true } : { valid: false, reason };
  }),
};
