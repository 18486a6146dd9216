// The projector's scatter plot as pure functions (no DOM, so tests call them directly): a 2D pan/zoom or 3D orbit
// camera, every point projected to the screen, rasterised into RGBA pixels with a depth buffer (100,000 points in a
// few milliseconds, so a streamed layout animates on any canvas, with or without a GPU), picking the point under the
// pointer, choosing labels that do not overlap, and the same picture as an SVG for export.

export type Rgba = [number, number, number, number];

/** 2D: the view's centre and pixels per layout unit. 3D: orbit angles (radians), distance and centre of the orbit. */
export interface Camera {
  dims: 2 | 3;
  cx: number;
  cy: number;
  cz: number;
  scale: number;
  yaw: number;
  pitch: number;
}

/** A camera that shows every point with a margin. */
export function fitCamera(coords: ArrayLike<number>, N: number, dims: 2 | 3, width: number, height: number): Camera {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < N; i++) {
    for (let d = 0; d < dims; d++) {
      const v = coords[i * dims + d];
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
  }
  if (N === 0) {
    lo.fill(-1);
    hi.fill(1);
  }
  const c = [0, 1, 2].map((d) => (d < dims ? (lo[d] + hi[d]) / 2 : 0));
  const extent = dims === 2
    ? Math.max((hi[0] - lo[0]) / Math.max(width, 1), (hi[1] - lo[1]) / Math.max(height, 1))
    : Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / Math.max(Math.min(width, height), 1);
  const scale = extent > 0 ? 0.9 / extent : 1;
  return { dims, cx: c[0], cy: c[1], cz: c[2], scale, yaw: 0.6, pitch: 0.35 };
}

/** Screen positions (N, 3): x and y in pixels, and depth (larger = farther; 0 in 2D). Perspective in 3D. */
export function projectPoints(coords: ArrayLike<number>, N: number, cam: Camera, width: number, height: number,
  out = new Float32Array(N * 3)): Float32Array {
  const hw = width / 2;
  const hh = height / 2;
  if (cam.dims === 2) {
    for (let i = 0; i < N; i++) {
      out[i * 3] = hw + (coords[i * 2] - cam.cx) * cam.scale;
      out[i * 3 + 1] = hh - (coords[i * 2 + 1] - cam.cy) * cam.scale;
      out[i * 3 + 2] = 0;
    }
    return out;
  }
  const cy = Math.cos(cam.yaw), sy = Math.sin(cam.yaw), cp = Math.cos(cam.pitch), sp = Math.sin(cam.pitch);
  // the orbit's distance in layout units: the whole cloud spans about min(width, height) / scale
  const dist = (2.2 * Math.min(width, height)) / cam.scale;
  const focal = dist * cam.scale;
  for (let i = 0; i < N; i++) {
    const x = coords[i * 3] - cam.cx, y = coords[i * 3 + 1] - cam.cy, z = coords[i * 3 + 2] - cam.cz;
    const x1 = cy * x + sy * z;
    const z1 = -sy * x + cy * z;
    const y2 = cp * y - sp * z1;
    const z2 = sp * y + cp * z1;
    const depth = dist + z2;
    const f = focal / Math.max(depth, 1e-6);
    out[i * 3] = hw + x1 * f;
    out[i * 3 + 1] = hh - y2 * f;
    out[i * 3 + 2] = depth;
  }
  return out;
}

/** RGBA as a little-endian uint32 (the byte order of ImageData on every platform the app runs on). */
export function packRgba([r, g, b, a]: Rgba): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Draws every point as a filled disc of `radius` pixels into pixels (width*height uint32, already cleared), nearer
 *  points over farther ones (depth buffer; in 2D, where every depth is 0, later points over earlier ones), then the
 *  highlighted points (indices) on top with their own colour. */
export function rasterize(pixels: Uint32Array, width: number, height: number, screen: Float32Array, N: number,
  colors: Uint32Array, radius: number, highlight: { indices: ArrayLike<number>; color: number; radius: number } | null = null,
  depthBuffer: Float32Array | null = null): void {
  const depth = depthBuffer ?? new Float32Array(width * height);
  depth.fill(Infinity);
  const disc = discOffsets(radius);
  const R = Math.ceil(radius);
  // the disc as offsets into the pixel array, for points whose whole disc lies inside the view (no bounds checks)
  const linear = new Int32Array(disc.length / 2);
  for (let o = 0; o < linear.length; o++) linear[o] = disc[o * 2 + 1] * width + disc[o * 2];
  for (let i = 0; i < N; i++) {
    const x = Math.floor(screen[i * 3] + 0.5), y = Math.floor(screen[i * 3 + 1] + 0.5), z = screen[i * 3 + 2];
    if (!(z >= 0)) continue;
    const c = colors[i];
    if (x >= R && y >= R && x < width - R && y < height - R) {
      const base = y * width + x;
      for (let o = 0; o < linear.length; o++) {
        const at = base + linear[o];
        if (z <= depth[at]) {
          depth[at] = z;
          pixels[at] = c;
        }
      }
    } else if (x >= -R && y >= -R && x < width + R && y < height + R) {
      for (let o = 0; o < disc.length; o += 2) {
        const px = x + disc[o], py = y + disc[o + 1];
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        const at = py * width + px;
        if (z <= depth[at]) {
          depth[at] = z;
          pixels[at] = c;
        }
      }
    }
  }
  if (highlight) {
    const big = discOffsets(highlight.radius);
    for (let h = 0; h < highlight.indices.length; h++) {
      const i = highlight.indices[h];
      const x = Math.floor(screen[i * 3] + 0.5), y = Math.floor(screen[i * 3 + 1] + 0.5);
      for (let o = 0; o < big.length; o += 2) {
        const px = x + big[o], py = y + big[o + 1];
        if (px >= 0 && py >= 0 && px < width && py < height) pixels[py * width + px] = highlight.color;
      }
    }
  }
}

const discCache = new Map<number, Int16Array>();

/** (dx, dy) pairs of the pixels of a disc of radius r (r < 1: the centre pixel). */
function discOffsets(r: number): Int16Array {
  const key = Math.round(r * 4);
  let out = discCache.get(key);
  if (out) return out;
  const R = Math.max(0, Math.ceil(r));
  const pairs: number[] = [];
  for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r * r + 0.5) pairs.push(dx, dy);
  out = Int16Array.from(pairs.length ? pairs : [0, 0]);
  discCache.set(key, out);
  return out;
}

/** The point drawn nearest to the viewer within `radius` pixels of (x, y), or -1. */
export function pickPoint(screen: Float32Array, N: number, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  let bestZ = Infinity;
  for (let i = 0; i < N; i++) {
    const dx = screen[i * 3] - x, dy = screen[i * 3 + 1] - y;
    const d = dx * dx + dy * dy;
    if (d < bestD || (d === bestD && screen[i * 3 + 2] < bestZ)) {
      best = i;
      bestD = d;
      bestZ = screen[i * 3 + 2];
    }
  }
  return best;
}

/** Which labels to draw: the `must` ones first (selection, neighbours, search hits), then others in the given
 *  priority order (e.g. most frequent first), skipping any whose box would overlap one already placed or leave the
 *  view; at most `max`. Boxes are estimated from the text length (charWidth pixels per character). */
export function placeLabels(screen: Float32Array, labels: readonly string[], order: ArrayLike<number>, must: ArrayLike<number>,
  width: number, height: number, opts: { max?: number; charWidth?: number; lineHeight?: number } = {}): number[] {
  const max = opts.max ?? 150;
  const cw = opts.charWidth ?? 7;
  const lh = opts.lineHeight ?? 14;
  const cell = 48;
  const grid = new Map<number, [number, number, number, number][]>();
  const placed: number[] = [];
  const seen = new Set<number>();
  const tryPlace = (i: number, force: boolean): void => {
    if (seen.has(i) || placed.length >= max) return;
    const x = screen[i * 3] + 5, y = screen[i * 3 + 1] - lh / 2;
    const w = Math.max(cw, labels[i].length * cw), h = lh;
    if (!force && (x < 0 || y < 0 || x + w > width || y + h > height)) return;
    const keys: number[] = [];
    for (let gx = Math.floor(x / cell); gx <= Math.floor((x + w) / cell); gx++) {
      for (let gy = Math.floor(y / cell); gy <= Math.floor((y + h) / cell); gy++) keys.push(gx * 100003 + gy);
    }
    if (!force) {
      for (const k of keys) {
        for (const [bx, by, bw, bh] of grid.get(k) ?? []) if (x < bx + bw && bx < x + w && y < by + bh && by < y + h) return;
      }
    }
    for (const k of keys) {
      const list = grid.get(k) ?? [];
      list.push([x, y, w, h]);
      grid.set(k, list);
    }
    seen.add(i);
    placed.push(i);
  };
  for (let m = 0; m < must.length; m++) tryPlace(must[m], true);
  for (let o = 0; o < order.length && placed.length < max; o++) tryPlace(order[o], false);
  return placed;
}

export interface SvgScene {
  width: number;
  height: number;
  background: string;
  textColor: string;
  screen: Float32Array;
  N: number;
  /** per point, as 'rgb(r,g,b)' */
  colorOf: (i: number) => string;
  radius: number;
  labels: { index: number; text: string }[];
  arrows: { from: [number, number]; to: [number, number]; color: string; text?: string }[];
  title?: string;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c] as string));
}

/** The current view as a standalone SVG: points inside the view (farthest first), labels and arrows. */
export function scatterSvg(s: SvgScene): string {
  const order: number[] = [];
  for (let i = 0; i < s.N; i++) {
    const x = s.screen[i * 3], y = s.screen[i * 3 + 1];
    if (x >= -s.radius && y >= -s.radius && x <= s.width + s.radius && y <= s.height + s.radius) order.push(i);
  }
  order.sort((a, b) => s.screen[b * 3 + 2] - s.screen[a * 3 + 2]);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s.width}" height="${s.height}" viewBox="0 0 ${s.width} ${s.height}">`,
    `<rect width="100%" height="100%" fill="${s.background}"/>`,
  ];
  if (s.title) parts.push(`<title>${escapeXml(s.title)}</title>`);
  parts.push('<g stroke="none">');
  for (const i of order) {
    parts.push(`<circle cx="${s.screen[i * 3].toFixed(1)}" cy="${s.screen[i * 3 + 1].toFixed(1)}" r="${s.radius}" fill="${s.colorOf(i)}"/>`);
  }
  parts.push('</g>');
  parts.push('<defs><marker id="head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="context-stroke"/></marker></defs>');
  for (const a of s.arrows) {
    parts.push(`<line x1="${a.from[0].toFixed(1)}" y1="${a.from[1].toFixed(1)}" x2="${a.to[0].toFixed(1)}" y2="${a.to[1].toFixed(1)}" stroke="${a.color}" stroke-width="2" marker-end="url(#head)"/>`);
  }
  parts.push(`<g font-family="sans-serif" font-size="12" fill="${s.textColor}">`);
  for (const l of s.labels) {
    parts.push(`<text x="${(s.screen[l.index * 3] + 5).toFixed(1)}" y="${(s.screen[l.index * 3 + 1] + 4).toFixed(1)}">${escapeXml(l.text)}</text>`);
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}

/** A categorical palette (10 colours, readable on light and dark backgrounds) and a sequential ramp for numbers. */
export const PALETTE: Rgba[] = [
  [31, 119, 180, 255], [255, 127, 14, 255], [44, 160, 44, 255], [214, 39, 40, 255], [148, 103, 189, 255],
  [140, 86, 75, 255], [227, 119, 194, 255], [127, 127, 127, 255], [188, 189, 34, 255], [23, 190, 207, 255],
];

/** Colours per point from a metadata column: numbers on a log-scaled blue→orange ramp, strings by category
 *  (the 9 most common get palette colours, the rest grey); no column: one colour. */
export function colorsFor(column: readonly (string | number)[] | null, N: number, base: Rgba = PALETTE[0]): { colors: Uint32Array; legend: { label: string; color: Rgba }[] } {
  const colors = new Uint32Array(N);
  if (column === null || column.length !== N) {
    colors.fill(packRgba(base));
    return { colors, legend: [] };
  }
  if (typeof column[0] === 'number') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of column as number[]) {
      const t = Math.log1p(Math.max(0, v));
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    const ramp = (t: number): Rgba => [Math.round(49 + 206 * t), Math.round(130 - 20 * t), Math.round(189 - 175 * t), 255];
    for (let i = 0; i < N; i++) {
      const t = hi > lo ? (Math.log1p(Math.max(0, column[i] as number)) - lo) / (hi - lo) : 0;
      colors[i] = packRgba(ramp(t));
    }
    return { colors, legend: [{ label: String(Math.round(Math.expm1(lo))), color: ramp(0) }, { label: String(Math.round(Math.expm1(hi))), color: ramp(1) }] };
  }
  const counts = new Map<string, number>();
  for (const v of column) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 9).map(([k]) => k);
  const colorOf = new Map(top.map((k, i) => [k, PALETTE[i]]));
  const other: Rgba = [170, 170, 170, 255];
  for (let i = 0; i < N; i++) colors[i] = packRgba(colorOf.get(String(column[i])) ?? other);
  const legend = top.map((k) => ({ label: k, color: colorOf.get(k) as Rgba }));
  if (counts.size > top.length) legend.push({ label: '…', color: other });
  return { colors, legend };
}
