'use strict';

// An endpoint controlled by an attacker, over real sockets on 127.0.0.1:
// every scenario must settle with its expected error class within the
// deadline (a bound, asserted generously: timeout + 1 s), and repeating it
// must not grow the process. The table printed at the end lists the class,
// the settle times and the RSS change per scenario.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const zlib = require('node:zlib');
const v8 = require('node:v8');
const vm = require('node:vm');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const TIMEOUT = 300;
const CAP = 64 * 1024;
const key = generate('ES256', 'k').jwk;

// Every scenario's server closes the connection after its answer, and says
// so: a client keeping sockets alive (Node's http, as jwks-rsa and the
// WebAssembly backend use it) would otherwise race the close on its next fetch.
// (An interim 1xx head is not the answer, so it does not.)
const withClose = (status, headers) =>
  status.startsWith('1') || headers.some((h) => /^connection:/i.test(h)) ? headers : [...headers, 'Connection: close'];
const head = (status, headers = []) =>
  `HTTP/1.1 ${status}\r\n${withClose(status, headers)
    .map((h) => `${h}\r\n`)
    .join('')}\r\n`;
const json = (body, extra = []) =>
  head('200 OK', [`Content-Length: ${Buffer.byteLength(body)}`, 'Content-Type: application/json', ...extra]) + body;

// Writes `chunks` one at a time, `every` ms apart, until the socket closes.
function trickle(socket, chunks, every = 25) {
  const next = () => {
    if (socket.destroyed) return;
    const chunk = chunks.next();
    if (chunk.done) return;
    socket.write(chunk.value, () => setTimeout(next, every));
  };
  next();
}

function* forever(chunk) {
  for (;;) yield chunk;
}

const big = Buffer.alloc(2 * CAP, 'x');
// 32 MiB of zeros in 32 KiB: served as is, never inflated.
const bomb = zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024));
const raw = (body, extra = []) => Buffer.concat([Buffer.from(head('200 OK', [`Content-Length: ${body.length}`, ...extra])), body]);
const scenarios = [
  ['body over the cap, with Content-Length', (s) => s.end(head('200 OK', [`Content-Length: ${big.length}`]) + big), { name: 'JwksError' }],
  [
    'body over the cap, close-delimited',
    (s) => s.end(Buffer.concat([Buffer.from(head('200 OK', ['Connection: close'])), big])),
    { name: 'JwksError' },
  ],
  [
    'body over the cap, chunked',
    (s) => s.end(`${head('200 OK', ['Transfer-Encoding: chunked'])}${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`),
    { name: 'JwksError' },
  ],
  [
    'trickled headers',
    (s) => trickle(s, forever('X-Slow: 1\r\n'), 25),
    { code: 'ECONNRESET', slow: true },
    (s) => s.write('HTTP/1.1 200 OK\r\n'),
  ],
  [
    'trickled body',
    (s) => trickle(s, forever(' '), 25),
    { code: 'ECONNRESET', slow: true },
    (s) => s.write(head('200 OK', ['Content-Length: 60000'])),
  ],
  ['1xx forever', (s) => trickle(s, forever(head('100 Continue')), 10), { code: 'ECONNRESET', slow: true }],
  ['closed mid-headers', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Len'), { code: 'ECONNRESET' }],
  ['closed mid-body', (s) => s.end(head('200 OK', ['Content-Length: 1000']) + '{"keys":['), { code: 'ECONNRESET' }],
  ['redirect loop', (s) => s.end(head('302 Found', ['Location: /jwks', 'Content-Length: 0'])), { name: 'JwksError', message: 'Found' }],
  ['gzip bomb', (s) => s.end(raw(bomb, ['Content-Encoding: gzip'])), { name: 'SyntaxError' }],
  [
    '10,000 headers',
    (s) =>
      s.end(
        head(
          '200 OK',
          Array.from({ length: 10_000 }, (_, i) => `X-H${i}: ${i}`),
        ) + '{"keys":[]}',
      ),
    { code: 'HPE_HEADER_OVERFLOW', message: 'Parse Error: Header overflow' },
  ],
  ['invalid UTF-8', (s) => s.end(raw(Buffer.from('{"keys":["\xff\xfe"]}', 'latin1'))), { name: 'JwksError' }],
  ['BOM', (s) => s.end(json(`\uFEFF${JSON.stringify({ keys: [key] })}`)), { name: 'SyntaxError' }],
  ['a huge kid', (s) => s.end(json(JSON.stringify({ keys: [{ ...key, kid: 'k'.repeat(60_000) }] }))), { name: 'SigningKeyNotFoundError' }],
  [
    '100,000 entries',
    (s) => s.end(json(JSON.stringify({ keys: Array(100_000).fill(0) }))),
    { name: 'JwksError' },
    undefined,
    { maxResponseBytes: 1 << 20 },
  ],
  [
    'deep nesting',
    (s) => s.end(json(`{"keys":[${JSON.stringify(key)}],"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)),
    { key: 'k' },
    undefined,
    { maxResponseBytes: 1 << 20 },
  ],
];

// One raw server whose behaviour is the current scenario's.
let current;
const sockets = new Set();
const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let seen = '';
  socket.on('data', function onData(data) {
    seen += data;
    if (!seen.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    const [, respond, , start] = current;
    if (start) start(socket);
    respond(socket);
  });
});
const listening = new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

async function attempt(options) {
  const client = jwksClient({
    jwksUri: `http://127.0.0.1:${server.address().port}/jwks`,
    timeout: TIMEOUT,
    maxResponseBytes: CAP,
    ...options,
  });
  const started = process.hrtime.bigint();
  let outcome;
  try {
    const k = await client.getSigningKey('k');
    outcome = { key: k.kid };
  } catch (err) {
    outcome = { name: err.name, code: err.code, message: err.message };
  }
  return { outcome, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

function matches(outcome, expected) {
  // Deep nesting elsewhere in the document leaves the keys usable, as JSON.parse does.
  if (expected.key) return outcome.key === expected.key;
  if (expected.name && outcome.name !== expected.name) return false;
  if (expected.message && outcome.message !== expected.message) return false;
  if (expected.code instanceof RegExp) return expected.code.test(outcome.code || '');
  if (expected.code && outcome.code !== expected.code) return false;
  return true;
}

function rssMiB() {
  gc();
  return process.memoryUsage().rss / 1024 / 1024;
}

const table = [];
after(() => {
  const lines = [
    '| scenario | outcome | settle ms (median / max) | RSS change over the repeats |',
    '|---|---|---|---|',
    ...table.map(
      (r) =>
        `| ${r.name} | ${r.outcome} | ${r.median.toFixed(0)} / ${r.max.toFixed(0)} | ${r.growth >= 0 ? '+' : ''}${r.growth.toFixed(1)} MiB over ${r.runs} |`,
    ),
  ];
  process.stdout.write(`\n# hostile endpoints (timeout ${TIMEOUT} ms, cap ${CAP} bytes)\n${lines.map((l) => `# ${l}`).join('\n')}\n`);
});

for (const scenario of scenarios) {
  const [name, , expected, , options] = scenario;
  test(`hostile endpoint: ${name}`, async () => {
    await listening;
    current = scenario;
    const runs = expected.slow ? 4 : 12;
    for (let i = 0; i < 2; i++) await attempt(options); // warm-up
    const before = rssMiB();
    const times = [];
    let outcome;
    for (let i = 0; i < runs; i++) {
      const r = await attempt(options);
      outcome = r.outcome;
      times.push(r.ms);
      assert.ok(matches(r.outcome, expected), `${name}: ${JSON.stringify(r.outcome)}`);
      assert.ok(r.ms <= TIMEOUT + 1000, `${name} settled after ${r.ms} ms`);
    }
    const growth = rssMiB() - before;
    times.sort((a, b) => a - b);
    const label = outcome.key ? `key served` : `${outcome.name}${outcome.code ? ` ${outcome.code}` : ''}`;
    table.push({ name, outcome: label, median: times[times.length >> 1], max: times[times.length - 1], growth, runs });
    assert.ok(growth < 48, `${name}: RSS grew ${growth.toFixed(1)} MiB over ${runs} runs`);
  });
}
