import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lite, requireBuiltCli, type Result } from '../testing/cli.js';

// `lite demo --quick` end to end (what CI runs of `npm start`), then its report.html
// rendered in headless Chromium: the page renders and its charts have data.

const GROUPS = ['teacher', 'reference vs ours', 'pruning', 'quantization', 'binary/ternary', 'distillation', 'pipeline'];

let tmp: string;
let run: Result;
beforeAll(async () => {
  requireBuiltCli();
  tmp = await mkdtemp(join(tmpdir(), 'lite-demo-'));
  run = await lite('demo', '--quick', '--out', join(tmp, 'out'));
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lite demo --quick', () => {
  it('prints one table with every group and writes report.json with measured rows', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^model +accuracy +bytes +× smaller +p50 b1 +p50 b256 +MACs/);
    for (const g of GROUPS) expect(run.stdout).toContain(`[${g}]`);
    expect(run.stdout).toMatch(/✗ ref: threshold prune \(no mask\)/);
    expect(run.stdout).toMatch(/wrote .*report\.html and .*report\.json/);
    expect(run.stderr).toMatch(/\[1\/\d+ \d+s\] teacher/);
    const report = JSON.parse(await readFile(join(tmp, 'out', 'report.json'), 'utf8'));
    expect(report.mode).toBe('quick');
    expect(report.seconds).toBeGreaterThan(0); // its duration is reported, not tested: tests never check wall-clock time
    const names = report.rows.map((r: { name: string }) => r.name);
    for (const n of ['seedCnn fp32', 'ref: threshold prune (no mask)', 'ours: threshold prune + masks', 'ref: dynamic int8 (Linear only)', 'ours: dynamic int8 (conv + dense)',
      "ref: KD, KLDivLoss 'mean'", 'ours: KD, KL batchmean', 'int8 static', 'int4', 'k-means 4-bit', 'binary', 'ternary', 'seedCnn deep compression', 'lenet5 fp32', 'lenet5 deep compression']) {
      expect(names).toContain(n);
    }
    const byName = Object.fromEntries(report.rows.map((r: { name: string }) => [r.name, r]));
    for (const r of report.rows) {
      expect(GROUPS).toContain(r.group);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.bytes).toBeGreaterThan(0);
      expect(r.ratio).toBeGreaterThan(0);
      expect(r.p50b1).toBeGreaterThan(0);
      expect(r.p50b256).toBeGreaterThan(0);
      expect(r.macs).toBeGreaterThan(0);
      expect(r.macsNonzero).toBeLessThanOrEqual(r.macs);
      expect(r.layers.length).toBeGreaterThanOrEqual(4);
      for (const l of r.layers) {
        expect(l.sparsity).toBeGreaterThanOrEqual(0);
        expect(l.bits).toBeGreaterThan(0);
      }
    }
    const teacher = byName['seedCnn fp32'];
    // × smaller is against the fp32 tfjs model directory: the teacher's own .lite (Huffman-coded f32) is a little smaller.
    expect(teacher.ratio).toBeGreaterThan(1);
    expect(teacher.ratio).toBeLessThan(1.5);
    expect(teacher.macs).toBe(480500);
    expect(teacher.params).toBe(21840);
    expect(teacher.accuracy).toBeGreaterThan(0.8);
    // The reference's bugs show: weights grow back without masks; convs stay fp32; the untrained model is a guess.
    expect(byName['ours: threshold prune + masks'].sparsity).toBeGreaterThan(byName['ref: threshold prune (no mask)'].sparsity + 0.2);
    expect(byName['ref: dynamic int8 (Linear only)'].layers.filter((l: { op: string; encoding: string }) => l.op === 'conv2d').every((l: { encoding: string }) => l.encoding === 'f32')).toBe(true);
    expect(byName['ours: dynamic int8 (conv + dense)'].bytes).toBeLessThan(byName['ref: dynamic int8 (Linear only)'].bytes);
    expect(byName['ref: dynamic int8 as written'].accuracy).toBeLessThan(0.3);
    expect(byName.binary.layers.some((l: { bits: number }) => l.bits < 2)).toBe(true);
    expect(byName['seedCnn deep compression'].ratio).toBeGreaterThan(20);
    expect(byName['lenet5 fp32'].macs).toBeGreaterThan(teacher.macs);
  });

  it('report.html is self-contained, escapes text and embeds the data', async () => {
    const html = await readFile(join(tmp, 'out', 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    expect(html).toContain('ref: KD, KLDivLoss &#39;mean&#39;');
    const data = JSON.parse(html.match(/<script type="application\/json" id="demo-data">([^<]*)<\/script>/)![1]);
    expect(data.rows.length).toBe(JSON.parse(await readFile(join(tmp, 'out', 'report.json'), 'utf8')).rows.length);
  });
});

/** The first Chromium-like browser on PATH (chromium, chromium-browser, google-chrome), or undefined. */
function findChromium(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function chromium(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${join(tmp, 'chrome-profile')}`];
  return new Promise((resolve) => {
    execFile(bin, [...base, ...args], { maxBuffer: 64 << 20, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into its distinct colours and their counts. */
export function pngColours(png: Buffer): { width: number; height: number; colours: Map<number, number> } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0, height = 0, colourType = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const body = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8); // bit depth
      colourType = body[9];
      expect(body[12]).toBe(0); // not interlaced
    } else if (type === 'IDAT') idat.push(body);
    off += 12 + len;
  }
  const bpp = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  expect(bpp, `PNG colour type ${colourType}`).toBeGreaterThan(0);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  const colours = new Map<number, number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = (line[i] + p) & 255;
    }
    for (let x = 0; x < width; x++) {
      const k = (cur[x * bpp] << 16) | (cur[x * bpp + 1] << 8) | cur[x * bpp + 2];
      colours.set(k, (colours.get(k) ?? 0) + 1);
    }
    prev.set(cur);
  }
  return { width, height, colours };
}

const browser = findChromium();
describe.skipIf(!browser)(`report.html in headless Chromium${browser ? '' : ' (skipped: no chromium on PATH; .ci/run installs it — apt-get install chromium)'}`, () => {
  it('renders: the DOM has the charts with their data points, the screenshot is not blank', async () => {
    expect(run.code, run.stderr).toBe(0);
    const page = pathToFileURL(join(tmp, 'out', 'report.html')).href;
    const report = JSON.parse(await readFile(join(tmp, 'out', 'report.json'), 'utf8'));
    const rows = report.rows.length;
    const dom = await chromium(browser!, ['--dump-dom', page]);
    expect(dom.code, dom.stderr).toBe(0);
    const count = (re: RegExp) => (dom.stdout.match(re) ?? []).length;
    expect(dom.stdout).toContain('id="chart-accuracy-size"');
    expect(count(/<circle class="point"[^>]*data-bytes="\d+"[^>]*data-accuracy="[\d.]+"/g)).toBe(rows);
    expect(count(/<rect class="bar sparsity"[^>]*data-sparsity=/g)).toBeGreaterThanOrEqual(rows * 4);
    expect(count(/<rect class="bar bits"[^>]*data-bits=/g)).toBeGreaterThanOrEqual(rows * 4);
    expect(count(/<rect class="bar latency"[^>]*data-latency=/g)).toBe(rows * 2);
    expect(count(/<tr class="(reference|ours)">/g)).toBe(rows);
    const png = join(tmp, 'report.png');
    // Tall enough for the table and every chart below it.
    const shot = await chromium(browser!, [`--screenshot=${png}`, '--window-size=1200,4000', page]);
    expect(shot.code, shot.stderr).toBe(0);
    expect((await stat(png)).size).toBeGreaterThan(20_000);
    const { width, height, colours } = pngColours(await readFile(png));
    expect([width, height]).toEqual([1200, 4000]);
    // A rendered page: many colours (text antialiasing, chart fills), the background not everything.
    expect(colours.size).toBeGreaterThan(50);
    const top = Math.max(...colours.values());
    expect(top / (width * height)).toBeLessThan(0.97);
    // The charts' fills are on screen (the scatter's pipeline green, the sparsity blue).
    expect(colours.get(0x2980b9) ?? 0).toBeGreaterThan(100);
  }, 180_000);
});
