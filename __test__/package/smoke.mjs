// Runs inside an app that installed jwks-rsa-native from its tarballs: loads
// the package both ways, serves ./jwks.json on 127.0.0.1 and fetches every
// key through the client. Prints one JSON line for the test to check, and
// also writes it to $JWKS_SMOKE_OUT when set (Node under Wine loses stdout
// written to a pipe).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import jwksClient, { JwksClient, SigningKeyNotFoundError } from 'jwks-rsa-native';

const require = createRequire(import.meta.url);
const cjs = require('jwks-rsa-native');
const { keys } = JSON.parse(readFileSync(new URL('./jwks.json', import.meta.url), 'utf8'));

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const jwksUri = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`;

try {
  const esmClient = jwksClient({ jwksUri });
  const cjsClient = new cjs.JwksClient({ jwksUri });
  const pems = {};
  for (const { kid } of keys) {
    const viaImport = await esmClient.getSigningKey(kid);
    const viaRequire = await new Promise((resolve, reject) =>
      cjsClient.getSigningKey(kid, (err, key) => (err ? reject(err) : resolve(key))),
    );
    pems[kid] = viaImport.getPublicKey() === viaRequire.publicKey ? viaImport.getPublicKey() : null;
  }
  const missing = await esmClient.getSigningKey('no-such-kid').catch((err) => err);
  const line = JSON.stringify({
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    glibc: process.report.getReport().header.glibcVersionRuntime ?? null,
    sameExports: cjs === jwksClient && cjs.JwksClient === JwksClient,
    backend: cjs.backend,
    addons: Object.keys(require.cache).filter((file) => file.endsWith('.node')),
    pems,
    missing: { isClass: missing instanceof SigningKeyNotFoundError, message: missing.message },
  });
  if (process.env.JWKS_SMOKE_OUT) writeFileSync(process.env.JWKS_SMOKE_OUT, `${line}\n`);
  console.log(line);
} finally {
  server.close();
}
