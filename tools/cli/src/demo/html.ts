// report.html: one self-contained page (inline CSS, inline SVG charts drawn here, the
// data embedded as JSON); no script or style is fetched from anywhere.
import { GROUPS, type DemoRow } from './row.js';
import { rowCells } from './table.js';
import type { DemoReport } from './report.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element (no "</script>", no HTML comment openers, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const COLORS: Record<string, string> = {
  teacher: '#222', 'reference vs ours': '#c0392b', pruning: '#2980b9', quantization: '#27ae60', 'binary/ternary': '#8e44ad', distillation: '#d35400', pipeline: '#16a085',
};
const colorOf = (r: DemoRow) => (r.reference ? '#e74c3c' : COLORS[r.group] ?? '#555');
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '0');
const attr = (s: string) => escapeHtml(s);

/** Accuracy (linear) against .lite bytes (log scale), one circle per model. */
export function scatterSvg(rows: DemoRow[]): string {
  const W = 760, H = 420, L = 60, R = 20, T = 20, B = 50;
  const bytes = rows.map((r) => Math.max(1, r.bytes));
  const lo = Math.floor(Math.log10(Math.min(...bytes))), hi = Math.ceil(Math.log10(Math.max(...bytes)) + 1e-9);
  const span = Math.max(1, hi - lo);
  const accs = rows.map((r) => r.accuracy);
  const aLo = Math.max(0, Math.floor(Math.min(...accs) * 10) / 10), aHi = 1;
  const x = (b: number) => L + ((Math.log10(Math.max(1, b)) - lo) / span) * (W - L - R);
  const y = (a: number) => T + (1 - (a - aLo) / Math.max(1e-9, aHi - aLo)) * (H - T - B);
  const parts: string[] = [];
  for (let e = lo; e <= lo + span; e++) {
    const gx = x(10 ** e);
    parts.push(`<line x1="${fmt(gx)}" y1="${T}" x2="${fmt(gx)}" y2="${H - B}" class="grid"/><text x="${fmt(gx)}" y="${H - B + 18}" text-anchor="middle">${escapeHtml(e >= 6 ? `${10 ** (e - 6)} MB` : e >= 3 ? `${10 ** (e - 3)} kB` : `${10 ** e} B`)}</text>`);
  }
  for (let k = 0; k <= 5; k++) {
    const a = aLo + ((aHi - aLo) * k) / 5;
    parts.push(`<line x1="${L}" y1="${fmt(y(a))}" x2="${W - R}" y2="${fmt(y(a))}" class="grid"/><text x="${L - 6}" y="${fmt(y(a) + 4)}" text-anchor="end">${fmt(100 * a, 0)}%</text>`);
  }
  parts.push(`<text x="${(W + L) / 2}" y="${H - 8}" text-anchor="middle">.lite bytes (log scale)</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">test accuracy</text>`);
  rows.forEach((r, i) => {
    const cx = x(r.bytes), cy = y(r.accuracy);
    parts.push(
      `<circle class="point" cx="${fmt(cx)}" cy="${fmt(cy)}" r="6" fill="${colorOf(r)}" data-row="${i}" data-name="${attr(r.name)}" data-bytes="${r.bytes}" data-accuracy="${fmt(r.accuracy, 4)}">` +
      `<title>${escapeHtml(`${r.name}: ${fmt(100 * r.accuracy)}%, ${r.bytes} B`)}</title></circle>` +
      `<text class="label" x="${fmt(cx + 8)}" y="${fmt(cy - 6)}">${escapeHtml(r.name)}</text>`,
    );
  });
  return `<svg id="chart-accuracy-size" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="accuracy vs size">${parts.join('')}</svg>`;
}

/** Per model, per conv/dense layer: sparsity (0–100%) and stored bits per weight (0–32) as bars. */
export function layersSvg(rows: DemoRow[]): string {
  const cards = rows.map((r, i) => {
    const W = 360, rowH = 18, T = 26, L = 70;
    const H = T + r.layers.length * rowH * 2 + 10;
    const bar = (W - L - 60);
    const parts = [`<text x="4" y="16" class="title">${escapeHtml(r.name)}</text>`];
    r.layers.forEach((l, j) => {
      const y0 = T + j * rowH * 2;
      const sw = bar * Math.min(1, Math.max(0, l.sparsity));
      const bw = bar * Math.min(1, Math.max(0, l.bits / 32));
      parts.push(
        `<text x="${L - 6}" y="${y0 + 12}" text-anchor="end">${escapeHtml(l.layer)}</text>` +
        `<rect class="bar sparsity" x="${L}" y="${y0 + 2}" width="${fmt(sw)}" height="${rowH - 6}" fill="#2980b9" data-row="${i}" data-layer="${attr(l.layer)}" data-sparsity="${fmt(l.sparsity, 4)}"><title>${escapeHtml(`${l.layer}: ${fmt(100 * l.sparsity, 1)}% zeros`)}</title></rect>` +
        `<text x="${fmt(L + sw + 4)}" y="${y0 + 12}">${fmt(100 * l.sparsity, 1)}% zeros</text>` +
        `<rect class="bar bits" x="${L}" y="${y0 + rowH}" width="${fmt(bw)}" height="${rowH - 6}" fill="#27ae60" data-row="${i}" data-layer="${attr(l.layer)}" data-bits="${fmt(l.bits, 3)}"><title>${escapeHtml(`${l.layer}: ${fmt(l.bits)} bits/weight (${l.encoding})`)}</title></rect>` +
        `<text x="${fmt(L + bw + 4)}" y="${y0 + rowH + 10}">${fmt(l.bits, 1)} b (${escapeHtml(l.encoding)})</text>`,
      );
    });
    return `<svg class="chart layers" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-row="${i}">${parts.join('')}</svg>`;
  });
  return `<div id="chart-layers" class="cards">${cards.join('')}</div>`;
}

/** Latency p50 per model at batch 1 and batch 256, horizontal bars (each batch size its own scale). */
export function latencySvg(rows: DemoRow[]): string {
  const W = 760, rowH = 20, T = 30, L = 230, mid = (W + L) / 2;
  const H = T + rows.length * rowH + 10;
  const half = (W - L) / 2 - 70;
  const max1 = Math.max(1e-9, ...rows.map((r) => r.p50b1)), max256 = Math.max(1e-9, ...rows.map((r) => r.p50b256));
  const parts = [`<text x="${L}" y="16" class="title">batch 1 (p50)</text><text x="${mid}" y="16" class="title">batch 256 (p50)</text>`];
  rows.forEach((r, i) => {
    const y0 = T + i * rowH;
    const w1 = (half * r.p50b1) / max1, w256 = (half * r.p50b256) / max256;
    parts.push(
      `<text x="${L - 6}" y="${y0 + 13}" text-anchor="end">${escapeHtml(r.name)}</text>` +
      `<rect class="bar latency" x="${L}" y="${y0 + 3}" width="${fmt(w1)}" height="${rowH - 6}" fill="${colorOf(r)}" data-row="${i}" data-batch="1" data-latency="${fmt(r.p50b1, 4)}"/>` +
      `<text x="${fmt(L + w1 + 4)}" y="${y0 + 13}">${fmt(r.p50b1, 3)} ms</text>` +
      `<rect class="bar latency" x="${mid}" y="${y0 + 3}" width="${fmt(w256)}" height="${rowH - 6}" fill="${colorOf(r)}" data-row="${i}" data-batch="256" data-latency="${fmt(r.p50b256, 4)}"/>` +
      `<text x="${fmt(mid + w256 + 4)}" y="${y0 + 13}">${fmt(r.p50b256, 2)} ms</text>`,
    );
  });
  return `<svg id="chart-latency" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="latency">${parts.join('')}</svg>`;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
th,td{white-space:nowrap}th:first-child,td:first-child,td.recipe,th:last-child{text-align:left}td.recipe{white-space:normal}td.recipe{color:#555;font-size:12px;max-width:420px}
tr.group td{background:#f3f3f3;font-weight:600;text-align:left}tr.reference td{color:#b03a2e}
svg text{font-size:11px;fill:#333}svg .title{font-size:12px;font-weight:600}svg .grid{stroke:#e5e5e5}svg .label{font-size:10px;fill:#555}
.cards{display:flex;flex-wrap:wrap;gap:10px}.cards svg{border:1px solid #eee}.legend span{display:inline-block;margin-right:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:middle}p.meta{color:#666}
`;

/** The whole page. */
export function renderHtml(report: DemoReport): string {
  const rows = report.rows;
  const head = ['model', 'accuracy', 'bytes', '× smaller', 'p50 b1', 'p50 b256', 'MACs', 'nz MACs', 'sparsity', 'recipe'];
  const body: string[] = [];
  let group = '';
  rows.forEach((r) => {
    if (r.group !== group) {
      group = r.group;
      body.push(`<tr class="group"><td colspan="${head.length}">${escapeHtml(group)}</td></tr>`);
    }
    const cells = rowCells(r).map((c) => `<td>${escapeHtml(c.trim())}</td>`).join('');
    body.push(`<tr class="${r.reference ? 'reference' : 'ours'}">${cells}<td class="recipe">${escapeHtml(r.recipe)}${r.notes ? `<br>${escapeHtml(r.notes)}` : ''}</td></tr>`);
  });
  const legend = GROUPS.map((g) => `<span><i style="background:${COLORS[g]}"></i>${escapeHtml(g)}</span>`).join('') + '<span><i style="background:#e74c3c"></i>reference recipe as written</span>';
  const meta = `${report.mode} run, ${report.train} training / ${report.test} test digits (bundled MNIST), backend ${report.backend}, ${report.seconds.toFixed(0)} s, ${report.createdAt}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lite demo report</title><style>${CSS}</style></head>
<body>
<h1>lite demo: compressing the reference CNN on MNIST</h1>
<p class="meta">${escapeHtml(meta)}</p>
<table id="results"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>
<p class="meta">${escapeHtml(report.legend)}</p>
<h2>Accuracy vs size</h2><div class="legend">${legend}</div>
${scatterSvg(rows)}
<h2>Per-layer sparsity and bits per weight</h2>
${layersSvg(rows)}
<h2>Latency on the lite runtime</h2>
${latencySvg(rows)}
<script type="application/json" id="demo-data">${scriptJson(report)}</script>
</body></html>
`;
}
