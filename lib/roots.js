'use strict';

const fs = require('fs');

// What Node's https trusts by default: its bundled roots plus the file named
// by NODE_EXTRA_CA_CERTS. Handed to the native side once, when the first
// https client is created, so `require()` stays cheap.
function defaultRootsPem() {
  // Loaded here, not at require() time: most of that time would be `tls`.
  const pems = [...require('tls').rootCertificates];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      pems.push(fs.readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns when the file cannot be read.
    }
  }
  return pems.join('\n');
}

function ensureDefaultRoots(binding) {
  if (!binding.hasDefaultRoots()) binding.setDefaultRoots(defaultRootsPem());
}

module.exports = { ensureDefaultRoots };
