'use strict';

require('./suites/nock').nockSuite(require('nock-13'), 'nock 13');
