// The projector's scatter builders (renderer/charts/scatter.ts) against hand-computed values: the fitted camera puts
// the cloud in view, 2D and 3D projection, discs rasterised with nearer points on top, picking, non-overlapping
// labels, colours by a metadata column, and the SVG export; plus a 100,000-point frame drawn in well under a second.
import { describe, expect, it } from 'vitest';
import { colorsFor, fitCamera, packRgba, pickPoint, placeLabels, projectPoints, rasterize, scatterSvg } from '../../../renderer/charts/scatter';

describe('camera and projection', () => {
  it('2D: the fitted camera maps the cloud into the view, y up', () => {
    const coords = [0, 0, 10, 0, 0, 10, 10, 10];
    const cam = fitCamera(coords, 4, 2, 200, 100);
    expect(cam.cx).toBe(5);
    expect(cam.cy).toBe(5);
    const s = projectPoints(coords, 4, cam, 200, 100);
    for (let i = 0; i < 4; i++) {
      expect(s[i * 3]).toBeGreaterThanOrEqual(0);
      expect(s[i * 3]).toBeLessThanOrEqual(200);
      expect(s[i * 3 + 1]).toBeGreaterThanOrEqual(0);
      expect(s[i * 3 + 1]).toBeLessThanOrEqual(100);
    }
    expect(s[1]).toBeGreaterThan(s[7]);  // (0,0) is below (0,10): larger y on screen
    expect(s[0]).toBeCloseTo(100 - 5 * cam.scale, 5);
  });

  it('3D: the centre projects to the middle, and nearer points have smaller depth', () => {
    const coords = [0, 0, 0, 1, 1, 1, -1, -1, -1];
    const cam = { ...fitCamera(coords, 3, 3, 300, 300), yaw: 0, pitch: 0 };
    const s = projectPoints(coords, 3, cam, 300, 300);
    expect(s[0]).toBeCloseTo(150, 5);
    expect(s[1]).toBeCloseTo(150, 5);
    // with yaw = pitch = 0 the view looks along z: z = -1 is nearer than z = +1
    expect(s[2 * 3 + 2]).toBeLessThan(s[1 * 3 + 2]);
  });
});

describe('rasterising and picking', () => {
  it('draws discs with the nearer point on top, and highlights over everything', () => {
    const W = 20, H = 20;
    const screen = Float32Array.from([10, 10, 5, 11, 10, 1, 3, 3, 0]);
    const red = packRgba([255, 0, 0, 255]), blue = packRgba([0, 0, 255, 255]), green = packRgba([0, 255, 0, 255]);
    const px = new Uint32Array(W * H);
    rasterize(px, W, H, screen, 3, Uint32Array.from([red, blue, red]), 2, { indices: [2], color: green, radius: 1 });
    expect(px[10 * W + 11]).toBe(blue);      // point 1 is nearer (depth 1 < 5)
    expect(px[10 * W + 8]).toBe(red);        // only point 0 reaches x = 8
    expect(px[3 * W + 3]).toBe(green);       // highlighted
    expect(px[0]).toBe(0);
  });

  it('picks the point under the pointer within the radius, else -1', () => {
    const screen = Float32Array.from([10, 10, 0, 30, 30, 0]);
    expect(pickPoint(screen, 2, 12, 11, 5)).toBe(0);
    expect(pickPoint(screen, 2, 29, 31, 5)).toBe(1);
    expect(pickPoint(screen, 2, 20, 20, 5)).toBe(-1);
  });

  it('draws 100,000 points in well under a second', () => {
    const N = 100_000;
    const coords = Float32Array.from({ length: N * 3 }, (_, i) => Math.sin(i * 12.9898) * 50);
    const cam = fitCamera(coords, N, 3, 800, 600);
    const t0 = performance.now();
    const screen = projectPoints(coords, N, cam, 800, 600);
    const px = new Uint32Array(800 * 600);
    rasterize(px, 800, 600, screen, N, new Uint32Array(N).fill(packRgba([0, 0, 0, 255])), 1.5);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(px.some((v) => v !== 0)).toBe(true);
  });
});

describe('labels, colours and SVG', () => {
  it('places the must-have labels, then others that do not overlap', () => {
    const screen = Float32Array.from([10, 10, 0, 12, 10, 0, 100, 50, 0, 10, 80, 0]);
    const labels = ['alpha', 'beta', 'gamma', 'delta'];
    const placed = placeLabels(screen, labels, [0, 1, 2, 3], [1], 200, 100);
    expect(placed[0]).toBe(1);
    expect(placed).not.toContain(0);  // overlaps beta's box
    expect(placed).toContain(2);
    expect(placed).toContain(3);
  });

  it('colours strings by category (most common first) and numbers on a ramp', () => {
    const cat = colorsFor(['a', 'b', 'a', 'c', 'a'], 5);
    expect(cat.legend.map((l) => l.label)).toEqual(['a', 'b', 'c']);
    expect(cat.colors[0]).toBe(cat.colors[2]);
    expect(cat.colors[0]).not.toBe(cat.colors[1]);
    const num = colorsFor([1, 10, 100, 1000], 4);
    expect(new Set(num.colors).size).toBe(4);
    expect(num.legend.map((l) => l.label)).toEqual(['1', '1000']);
    expect(colorsFor(null, 3).colors[2]).toBe(colorsFor(null, 3).colors[0]);
  });

  it('SVG: points in view, escaped labels, arrows', () => {
    const screen = Float32Array.from([10, 10, 0, 500, 500, 0]);
    const svg = scatterSvg({
      width: 100, height: 100, background: '#fff', textColor: '#000', screen, N: 2, colorOf: () => 'rgb(1,2,3)', radius: 2,
      labels: [{ index: 0, text: 'a<b' }], arrows: [{ from: [10, 10], to: [50, 50], color: '#f00' }], title: 'view',
    });
    expect(svg.match(/<circle /g)?.length).toBe(1);  // the second point is outside the view
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('<line x1="10.0" y1="10.0" x2="50.0" y2="50.0"');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});
