// A self-contained SVG bar chart (no scripts, no external styles or fonts):
// horizontal bars on a log scale anchored at 1×, so a bar to the right is lite
// faster than that peer and one to the left slower. Bars are grouped by
// benchmark and coloured by peer.

export interface Bar {
  /** The benchmark, e.g. "gemm 1024³"; consecutive bars with one group share a label. */
  group: string;
  /** The peer, e.g. "OpenBLAS 1T"; one colour each. */
  series: string;
  /** lite's speedup over the peer (×); bars with no finite positive value are left out. */
  value: number;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const W = 820, LABEL_W = 230, PLOT_L = 240, PLOT_R = 740, BAR_H = 11, BAR_GAP = 2, GROUP_GAP = 9;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Powers of ten around the values and 1×: the log axis's domain. */
function domain(values: number[]): [number, number] {
  const lo = Math.floor(Math.log10(Math.min(1, ...values)));
  const hi = Math.ceil(Math.log10(Math.max(1, ...values)));
  return [lo, hi > lo ? hi : lo + 1];
}

const fmt = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toPrecision(2)}×`;

export function barChartSvg(bars: Bar[], title: string): string {
  const valid = bars.filter((b) => Number.isFinite(b.value) && b.value > 0);
  // Each group's bars together, groups in order of first appearance.
  const groups = [...new Set(valid.map((b) => b.group))];
  const shown = groups.flatMap((g) => valid.filter((b) => b.group === g));
  const series = [...new Set(shown.map((b) => b.series))];
  const colour = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length]!;
  const [lo, hi] = domain(shown.map((b) => b.value));
  const x = (v: number) => PLOT_L + ((Math.log10(v) - lo) / (hi - lo)) * (PLOT_R - PLOT_L);
  // Legend first, wrapped over as many rows as it needs; the bars start below it.
  const legend: string[] = [];
  let [lx, ly] = [10, 30];
  for (const s of series) {
    const width = 24 + `vs ${s}`.length * 6.5;
    if (lx + width > W - 10) [lx, ly] = [10, ly + 16];
    legend.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${colour(s)}"/><text x="${lx + 14}" y="${ly + 9}">${escapeXml(`vs ${s}`)}</text>`);
    lx += width;
  }
  const TOP = ly + 32;
  const parts: string[] = [];
  let y = TOP;
  let group: string | undefined;
  let groupTop = y;
  const closeGroup = () => {
    if (group !== undefined) parts.push(`<text x="${LABEL_W}" y="${(groupTop + y) / 2 + 4}" text-anchor="end">${escapeXml(group)}</text>`);
  };
  for (const b of shown) {
    if (b.group !== group) {
      closeGroup();
      if (group !== undefined) y += GROUP_GAP;
      group = b.group;
      groupTop = y;
    }
    const [a, z] = [x(Math.min(1, b.value)), x(Math.max(1, b.value))];
    parts.push(
      `<rect class="bar" x="${a.toFixed(1)}" y="${y}" width="${Math.max(1, z - a).toFixed(1)}" height="${BAR_H}" fill="${colour(b.series)}" data-value="${b.value}"><title>${escapeXml(`${b.group} vs ${b.series}: ${fmt(b.value)}`)}</title></rect>`,
      `<text x="${(b.value >= 1 ? z + 3 : a - 3).toFixed(1)}" y="${y + BAR_H - 2}" font-size="9" text-anchor="${b.value >= 1 ? 'start' : 'end'}">${fmt(b.value)}</text>`,
    );
    y += BAR_H + BAR_GAP;
  }
  closeGroup();
  const bottom = y + 6;
  const axis: string[] = [];
  for (let p = lo; p <= hi; p++) {
    const v = 10 ** p, px = x(v).toFixed(1);
    axis.push(`<line x1="${px}" y1="${TOP - 6}" x2="${px}" y2="${bottom}" stroke="${p === 0 ? '#333' : '#ddd'}"/>`,
      `<text x="${px}" y="${bottom + 14}" text-anchor="middle">${fmt(v)}</text>`);
  }
  const h = bottom + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${W}" height="${h}" fill="#fff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    ...legend,
    ...axis,
    ...parts,
    shown.length ? '' : `<text x="${PLOT_L}" y="${TOP + 10}">no results to chart</text>`,
    '</svg>',
  ].join('\n');
}
