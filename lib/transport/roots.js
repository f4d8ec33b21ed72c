'use strict';

// Hands the native side what Node's https trusts by default, its bundled
// roots plus the file named by NODE_EXTRA_CA_CERTS, once, when the first
// https client is created: `tls` would be most of require()'s time.
function ensureDefaultRoots(binding) {
  if (binding.hasDefaultRoots()) return;
  const pems = [...require('tls').rootCertificates];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  try {
    if (extra) pems.push(require('fs').readFileSync(extra, 'utf8'));
  } catch {
    // Node itself only warns when the file cannot be read.
  }
  binding.setDefaultRoots(pems.join('\n'));
}

module.exports = { ensureDefaultRoots };
