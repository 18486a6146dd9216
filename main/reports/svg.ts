// Charts without a browser: an ECharts option rendered to an SVG string by ECharts' server-side renderer.
import { createRequire } from 'node:module';
import type * as EChartsModule from 'echarts';

/** Fonts that have Latin and CJK glyphs on common systems, so zh-CN labels draw in any SVG viewer and in Chromium. */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';

const require = createRequire(import.meta.url);
let echartsLib: typeof EChartsModule | null = null;

/**
 * ECharts, loaded on the first SVG drawn and as its one-file CommonJS build: an HTML report never needs it in Node,
 * and the ES-module entry is ~600 files (3.2 s of CPU to load under tsx, the CLI's loader, against 0.4 s).
 */
function echarts(): typeof EChartsModule {
  echartsLib ??= require('echarts') as typeof EChartsModule;
  return echartsLib;
}

/**
 * The option as an SVG document (width × height px), with animation off and the report font; interaction-only parts
 * (tooltip, data zoom) do not draw anything in a static image. The option object is not modified.
 */
export function renderChartSvg(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, textStyle: { fontFamily: CHART_FONT, ...(option.textStyle as object | undefined) } });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
