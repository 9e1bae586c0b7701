/**
 * The /insights chart: questions per day, answered and refused stacked, drawn server-side. A
 * Vega-Lite spec is compiled to Vega, rendered to SVG by Vega's headless view (no browser, no
 * canvas), and rasterized to PNG by resvg (Rust, shipped prebuilt inside its npm package). Text
 * uses the machine's fonts (DejaVu Sans here).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { DayCount } from './query.js';

/** The Vega-Lite spec of the chart (pure; exported for tests and for anyone who wants JSON). */
export function chartSpec(perDay: readonly DayCount[], title: string): TopLevelSpec {
  const values = perDay.flatMap((d) => [
    { day: d.day, kind: 'answered', n: d.answered },
    { day: d.day, kind: 'refused', n: d.refused },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 16 },
    width: 640,
    height: 260,
    background: '#ffffff',
    padding: 16,
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: {
        field: 'day',
        type: 'ordinal',
        title: null,
        axis: { labelAngle: -45, labelExpr: 'slice(datum.value, 5)' },
      },
      y: { field: 'n', type: 'quantitative', title: 'questions', stack: 'zero' },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: ['answered', 'refused'], range: ['#3b82f6', '#f59e0b'] },
        legend: { orient: 'top' },
      },
      order: { field: 'kind', sort: 'ascending' },
    },
    config: { font: 'DejaVu Sans', view: { stroke: null } },
  };
}

/** Renders the chart to PNG bytes. */
export async function renderChartPng(perDay: readonly DayCount[], title: string): Promise<Buffer> {
  const { spec } = compile(chartSpec(perDay, title));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG(2);
    const png = new Resvg(svg, {
      background: '#ffffff',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    }).render();
    return png.asPng();
  } finally {
    view.finalize();
  }
}
