// Saving a view as a file from the page — the one place that does it (attention views, the projector): PNG from a
// canvas data URL, SVG from markup through a blob URL, each through a temporary link; and SVG rasterised to PNG.

/** Starts a download of `href` as `filename` (works in browser mode and in Electron's window). */
export function downloadHref(href: string, filename: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Starts a download of SVG markup as `filename`. */
export function downloadSvg(svg: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  downloadHref(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Rasterises SVG markup to a PNG data URL (for views that are drawn as SVG, such as the head view). */
export async function svgToPng(svg: string, width: number, height: number): Promise<string> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The view could not be drawn as an image.'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')?.drawImage(img, 0, 0);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
