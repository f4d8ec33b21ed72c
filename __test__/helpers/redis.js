'use strict';

const { spawn, spawnSync } = require('child_process');
const net = require('net');

// A real redis-server (Debian's package, which .ci/run installs) on a free
// 127.0.0.1 port, without persistence, for the sharedCache tests: stop() is
// a graceful shutdown, kill() a SIGKILL for the failure cases, pause() and
// resume() (SIGSTOP, SIGCONT) make a server that accepts but never answers. `send` speaks
// just enough RESP for tests to read and plant values behind a client's back.

function redisServerPath() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

// Why the Redis tests cannot run here, or false. On CI a missing server is
// a failure, not a skip: `.ci/run` installs it.
function redisSkipReason() {
  if (redisServerPath() || process.env.CI) return false;
  return 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// One RESP command on a fresh connection; resolves with the raw reply text.
function send(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk;
      if (complete(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    const parts = args.map((a) => String(a));
    socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`);
  });
}

// Whether a reply to one command is whole: a line, or a bulk string.
function complete(reply) {
  if (!reply.endsWith('\r\n')) return false;
  if (reply[0] !== '$') return true;
  const length = Number(reply.slice(1, reply.indexOf('\r\n')));
  return length < 0 || Buffer.byteLength(reply) >= reply.indexOf('\r\n') + 2 + length + 2;
}

// The value of a bulk-string reply, or null.
function bulk(reply) {
  if (reply.startsWith('$-1')) return null;
  const start = reply.indexOf('\r\n') + 2;
  return reply.slice(start, reply.length - 2);
}

// Up, whether or not it wants a password first.
async function answers(port) {
  try {
    return /^(\+PONG|-NOAUTH)/.test(await send(port, 'PING'));
  } catch {
    return false;
  }
}

// With `tls` ({ certFile, keyFile, caFile }) the server also listens with
// TLS, and `url` is a rediss:// URL to that port; `port` stays the plain one.
// With `password`, clients must AUTH, and `url` carries it.
async function launch(tls, password) {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server is not installed');
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
  ];
  const tlsPort = tls && (await freePort());
  if (password) args.push('--requirepass', password);
  if (tls) {
    args.push(
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      tls.certFile,
      '--tls-key-file',
      tls.keyFile,
      '--tls-ca-cert-file',
      tls.caFile,
      '--tls-auth-clients',
      'no',
    );
  }
  const child = spawn(binary, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  // Polls until the server answers PING, or gives up when it exits.
  while (!gone && !(await answers(port))) await new Promise((resolve) => setTimeout(resolve, 20));
  if (gone) return { error: new Error(`redis-server exited: ${stderr}`) };
  const end = (signal) => {
    if (!gone) child.kill(signal);
    return exited.then(() => undefined);
  };
  return {
    url: `${tls ? 'rediss' : 'redis'}://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${tls ? tlsPort : port}/0`,
    port,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}

/** Starts a redis-server on a free loopback port; retries if the port was taken meanwhile. */
async function startRedis({ tls, password } = {}) {
  let last;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await launch(tls, password);
    if (!started.error) return started;
    last = started.error;
  }
  throw last;
}

module.exports = { startRedis, redisSkipReason, send, bulk };
