'use strict';

// The protected express app of the end-to-end figure: express-jwt 8 with
// the implementation's `expressJwtSecret`, one route, requests counted.

const express = require('express');
const { expressjwt } = require('express-jwt');

/**
 * Listens on 127.0.0.1; resolves with `{ port, usage() }`, where `usage()`
 * gives the CPU time this process has used and the requests it answered.
 */
async function startApp(expressJwtSecret, secretOptions) {
  let served = 0;
  const app = express();
  const verify = expressjwt({ secret: expressJwtSecret(secretOptions), algorithms: ['RS256'] });
  app.get('/protected', verify, (req, res) => {
    served += 1;
    res.json({ sub: req.auth.sub });
  });
  app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
  const listener = await new Promise((resolve) => {
    const l = app.listen(0, '127.0.0.1', () => resolve(l));
  });
  const usage = () => {
    const { user, system } = process.cpuUsage();
    return { cpuUs: user + system, served };
  };
  return { port: listener.address().port, usage };
}

module.exports = { startApp };
