// report.json and report.html in the --out directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import type { DemoRow, DemoSettings } from './row.js';

/** What report.json holds (and report.html embeds). */
export interface DemoReport {
  tool: 'lite demo';
  version: string;
  mode: 'quick' | 'full';
  createdAt: string;
  backend: string;
  seconds: number;
  train: number;
  test: number;
  settings: DemoSettings;
  legend: string;
  rows: DemoRow[];
}

/** Writes report.json and report.html into `dir` (created if needed); returns their paths. */
export async function writeReports(dir: string, report: DemoReport): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderHtml(report));
  return { json, html };
}
