// Drives one ApexCharts chart for ApexChart.razor. The library is the UMD build that Client.csproj copies
// from npm into wwwroot/lib; the page loads it (and this module) with script tags, and this module loads
// it itself where a page did not.
//
// Everything a chart shows may come from log lines (series names are client IPs, annotation labels are
// process names from kernel logs). ApexCharts writes legends and tooltips with innerHTML, so every
// string that can reach one of those is HTML-escaped here. Annotation labels, axis titles and axis
// labels are SVG text that ApexCharts writes as text nodes (svg.js plain()): they are passed as they
// are, since escaping them would show "&amp;" for "&" and adds no safety.

const scriptUrl = new URL('../lib/apexcharts/apexcharts.min.js', import.meta.url).href;
let loading;

function loadApexCharts() {
  if (globalThis.ApexCharts) {
    return Promise.resolve(globalThis.ApexCharts);
  }
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = scriptUrl;
    script.onload = () => resolve(globalThis.ApexCharts);
    script.onerror = () => {
      loading = undefined; // the next chart tries again
      script.remove();
      reject(new Error(`Could not load ${scriptUrl}`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

const htmlEscapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => htmlEscapes[c]);
}

// Colours end up in SVG attributes and inline styles: accept only #hex and plain colour names.
function safeColor(color) {
  return typeof color === 'string' && /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(color) ? color : undefined;
}

const kilobyteUnits = ['KB', 'MB', 'GB', 'TB', 'PB'];

function formatValue(format, value) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '';
  }
  switch (format) {
    case 'Kilobytes': {
      let unit = 0;
      let scaled = value;
      while (Math.abs(scaled) >= 1024 && unit < kilobyteUnits.length - 1) {
        scaled /= 1024;
        unit++;
      }
      const digits = unit === 0 || Math.abs(scaled) >= 100 ? 0 : 1;
      return `${scaled.toFixed(digits)} ${kilobyteUnits[unit]}`;
    }
    case 'Percent':
      return `${Math.round(value)}%`;
    default:
      return Math.round(value).toLocaleString('en-US');
  }
}

// x values are epoch milliseconds already shifted into the display zone: read them as UTC.
function formatTime(x) {
  return Number.isFinite(x) ? new Date(x).toISOString().slice(0, 19).replace('T', ' ') : '';
}

function toSeries(series) {
  return series.map(s => ({
    name: escapeHtml(s.name),
    color: safeColor(s.color),
    data: s.points.map(p => ({ x: p.x, y: p.y })),
  }));
}

function toXRange(options) {
  return { min: options.xMin, max: options.xMax };
}

function toYAxis(options) {
  return {
    min: 0,
    max: options.yFormat === 'Percent' ? 100 : undefined,
    forceNiceScale: true,
    title: { text: options.yTitle ?? undefined },
    // A fixed label width keeps the plot areas of stacked charts aligned on the shared time axis.
    labels: { minWidth: 64, maxWidth: 64, formatter: v => formatValue(options.yFormat, v) },
  };
}

// A label runs rightwards from its line, except in the last fifth of the range, where it would be cut
// off at the plot's edge: there it runs leftwards.
function toAnnotations(annotations, onClick, range) {
  const rightEdge = range.xMax - (range.xMax - range.xMin) / 5;
  return {
    xaxis: annotations.map((a, index) => {
      if (a.x2 != null) {
        return toBand(a, () => onClick(index), rightEdge);
      }
      const color = safeColor(a.color) ?? (a.strong ? '#d62728' : '#8c8c8c');
      const across = a.labelRow != null;
      return {
        x: a.x,
        borderColor: color,
        borderWidth: a.strong ? 2 : 1,
        strokeDashArray: a.strong ? 0 : 4,
        opacity: a.strong ? 1 : 0.6,
        label: {
          text: a.label,
          orientation: across ? 'horizontal' : 'vertical',
          position: 'top',
          textAnchor: !across ? 'middle' : a.x > rightEdge ? 'end' : 'start',
          offsetY: across ? a.labelRow * 15 : 0,
          borderColor: color,
          style: {
            color: a.strong ? '#fff' : color,
            background: a.strong ? color : 'transparent',
            fontSize: '10px',
            fontWeight: a.strong ? 600 : 400,
          },
          click: () => onClick(index),
        },
      };
    }),
  };
}

// An alert: a shaded band over its time, labelled at the foot of the plot (kills are labelled at the top).
// Its id becomes a class of its rect and label: a constant, never text from the data.
function toBand(a, onClick, rightEdge) {
  const color = safeColor(a.color) ?? '#f4b942';
  return {
    id: 'aid-alert-band',
    x: a.x,
    x2: a.x2,
    fillColor: color,
    opacity: 0.14,
    borderColor: color,
    strokeDashArray: 0,
    label: {
      text: a.label,
      orientation: 'horizontal',
      position: 'bottom',
      textAnchor: a.x > rightEdge ? 'end' : 'start',
      offsetX: a.x > rightEdge ? 0 : 2,
      offsetY: -6 - (a.labelRow ?? 0) * 15,
      borderColor: color,
      style: { color: '#111', background: color, fontSize: '10px', fontWeight: 600 },
      click: onClick,
    },
  };
}

// ApexCharts draws each marker's line, then its label, marker after marker: in a burst of kills every
// later line crosses the earlier labels. Moving the labels (boxes and texts) after all the lines keeps
// every label readable; their click handlers move with them.
function raiseAnnotationLabels(element) {
  for (const group of element.querySelectorAll('.apexcharts-xaxis-annotations')) {
    // Alert bands (rects of their own) stay beneath: only the labels' boxes and texts move.
    for (const label of [...group.querySelectorAll(':scope > rect:not(.apexcharts-annotation-rect), :scope > text')]) {
      group.appendChild(label);
    }
  }
}

function toConfig(options, callbacks) {
  const kind = options.kind.toLowerCase();
  return {
    chart: {
      type: kind,
      height: options.height,
      stacked: options.stacked,
      background: 'transparent',
      animations: { enabled: false },
      // Charts share a panel: one drawn below another grows their parent, which would redraw the one above
      // (a new SVG, 150 ms later). Widths follow the window, which is what changes them here.
      redrawOnParentResize: false,
      redrawOnWindowResize: true,
      toolbar: { show: false },
      zoom: { enabled: true, type: 'x', autoScaleYaxis: false },
      events: {
        mounted: chart => raiseAnnotationLabels(chart.el),
        updated: chart => raiseAnnotationLabels(chart.el),
        zoomed: (chart, { xaxis }) => {
          if (!Number.isFinite(xaxis?.min) || !Number.isFinite(xaxis?.max)) {
            return;
          }
          // ApexCharts reverts a zoom on updateSeries() to its last *configured* x range (an internal of the
          // pinned 4.7.0); make the zoom that range, so new data keeps the view until the page sets one.
          chart.w.globals.lastXAxis = { ...chart.w.globals.lastXAxis, min: xaxis.min, max: xaxis.max };
          callbacks.zoomed(Math.round(xaxis.min), Math.round(xaxis.max));
        },
      },
    },
    theme: { mode: options.dark ? 'dark' : 'light' },
    series: toSeries(options.series),
    dataLabels: { enabled: false },
    stroke: { width: kind === 'bar' ? 0 : 1.5, curve: 'straight' },
    fill: kind === 'area' ? { type: 'solid', opacity: options.stacked ? 0.75 : 0.25 } : {},
    markers: { size: 0 },
    legend: { show: true, position: 'bottom', horizontalAlign: 'left' },
    xaxis: {
      type: 'datetime',
      ...toXRange(options),
      labels: { datetimeUTC: true },
      tooltip: { enabled: false },
    },
    yaxis: toYAxis(options),
    annotations: toAnnotations(options.annotations, index => callbacks.annotationClicked(index), options),
    tooltip: {
      shared: true,
      intersect: false, // bar charts default to true, which ApexCharts refuses beside shared
      x: { formatter: x => escapeHtml(formatTime(x)) },
      y: { formatter: v => escapeHtml(formatValue(options.yFormat, v)) },
    },
  };
}

// A chart draws into a canvas element of its own inside the component's element, so that a chart drawn
// from the server's HTML can move into the element Blazor renders in its place.
function drawInto(element, options, callbacks) {
  const canvas = document.createElement('div');
  element.replaceChildren(canvas);
  const chart = new globalThis.ApexCharts(canvas, toConfig(options, callbacks));
  return { chart, canvas, rendered: chart.render() };
}

// The server draws a page before WebAssembly has started, each chart as an empty element carrying its
// options (data-chart): they are drawn here, as soon as this module runs. When WebAssembly starts, Blazor
// replaces the server's HTML with its own; in that same task (before the browser paints a frame without
// them) the drawn charts move, in page order, into the chart elements that replaced theirs, where
// create() takes them over if .NET asks for the same options, and draws anew otherwise.
const serverDrawn = [];
const takenOver = new WeakMap();

async function drawServerCharts() {
  const elements = [...document.querySelectorAll('.apex-chart[data-chart]')];
  if (elements.length === 0) {
    return;
  }
  await loadApexCharts();
  const dark = document.documentElement.dataset.theme !== 'light';
  for (const element of elements.filter(e => e.isConnected)) {
    // Normalised as create() compares it: .NET's options, serialised by JS interop, parsed, stringified.
    const options = JSON.parse(element.dataset.chart);
    if (options.dark !== dark) {
      continue; // drawn for a theme the browser had not told the server of yet: WebAssembly draws it
    }
    const early = {};
    const callbacks = { zoomed: (from, to) => { early.zoom = [from, to]; }, annotationClicked: () => {} };
    serverDrawn.push({ element, json: JSON.stringify(options), callbacks, early, ...drawInto(element, options, callbacks) });
  }
  new MutationObserver((_, observer) => {
    if (serverDrawn.every(drawn => !drawn.element.isConnected)) {
      observer.disconnect();
      moveIntoReplacements();
    }
  }).observe(document.body, { childList: true, subtree: true });
}

function moveIntoReplacements() {
  const replacements = [...document.querySelectorAll('.apex-chart:not([data-chart])')];
  serverDrawn.forEach((drawn, index) => {
    const replacement = replacements[index];
    if (replacement && replacement.childElementCount === 0) {
      replacement.appendChild(drawn.canvas);
      takenOver.set(replacement, drawn);
    } else {
      drawn.chart.destroy();
    }
  });
  serverDrawn.length = 0;
}

// A chart it fails to draw is drawn again by create(), which reports a failure to .NET.
drawServerCharts().catch(error => console.error('Drawing the server\'s charts failed', error));

/**
 * Draws a chart into element and returns its handle; takes over the chart drawn from the server's HTML
 * there, if it shows the same options.
 * @param {HTMLElement} element an element the chart owns
 * @param {object} options ChartOptions as serialised by .NET
 * @param {object} dotNet the component's DotNetObjectReference
 */
export async function create(element, options, dotNet) {
  const callbacks = {
    zoomed: (from, to) => dotNet.invokeMethodAsync('OnChartZoomed', from, to),
    annotationClicked: index => dotNet.invokeMethodAsync('OnAnnotationClicked', index),
  };
  const drawn = takenOver.get(element);
  takenOver.delete(element);
  if (drawn && drawn.json === JSON.stringify(options)) {
    Object.assign(drawn.callbacks, callbacks);
    await drawn.rendered;
    if (drawn.early.zoom) {
      callbacks.zoomed(...drawn.early.zoom); // the operator zoomed before WebAssembly was there to hear it
    }
    return handleOf(drawn.chart, drawn.callbacks);
  }
  drawn?.chart.destroy();
  await loadApexCharts();
  const { chart, rendered } = drawInto(element, options, callbacks);
  await rendered;
  return handleOf(chart, callbacks);
}

function handleOf(chart, callbacks) {
  return {
    /**
     * Updates in place, without animation: the series alone through updateSeries(), anything else through
     * one updateOptions() (with the series when they changed too). The x range is only sent when it
     * changed, so a user's zoom survives new data.
     */
    async update(next, changes) {
      if (!changes.xRange && !changes.annotations && !changes.yAxis) {
        if (changes.series) {
          await chart.updateSeries(toSeries(next.series), false);
        }
        return;
      }
      // ApexCharts 4.7's updateOptions() stores the options it is given, then redraws only if they no
      // longer equal (as JSON) what it stored: only options it rewrites on the way get through, such as
      // the y axis (an object it turns into an array). So the y axis goes along every time; alone, a new
      // x range or an emptied annotation list would be ignored.
      const partial = { yaxis: toYAxis(next) };
      if (changes.xRange) {
        partial.xaxis = toXRange(next);
      }
      if (changes.annotations) {
        partial.annotations = toAnnotations(next.annotations, index => callbacks.annotationClicked(index), next);
      }
      if (changes.series) {
        partial.series = toSeries(next.series);
      }
      await chart.updateOptions(partial, false, false);
    },

    destroy() {
      chart.destroy();
    },
  };
}
