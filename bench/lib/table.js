'use strict';

// The report: a padded Markdown table, readable in a terminal and ready
// to paste into a note.

const COLUMNS = [
  ['figure', 'figure'],
  ['base', 'jwks-rsa'],
  ['ours', 'jwks-rsa-native'],
  ['ratio', 'ratio'],
  ['bar', 'bar'],
  ['verdict', 'pass/fail'],
];

function verdict(row) {
  if (row.info) return 'info';
  if (row.pass === null || row.pass === undefined) return 'skip';
  return row.pass ? 'pass' : 'FAIL';
}

function cell(text) {
  return String(text).replace(/\|/g, '\\|');
}

function render(rows) {
  const data = rows.map((row) => ({ ...row, verdict: verdict(row) }));
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...data.map((r) => cell(r[key]).length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(COLUMNS.map(([, title]) => title)), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of data) out.push(line(COLUMNS.map(([key]) => cell(row[key]))));
  const notes = data.filter((r) => r.note).map((r) => `- ${r.figure}: ${r.note}`);
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

function summary(rows) {
  const by = { pass: 0, FAIL: 0, skip: 0, info: 0 };
  for (const row of rows) by[verdict(row)] += 1;
  return `${by.pass} pass, ${by.FAIL} fail, ${by.skip} skipped, ${by.info} for information`;
}

module.exports = { render, summary, verdict };
