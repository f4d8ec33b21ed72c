'use strict';

require('./suites/nock').nockSuite(require('nock'), 'nock 14');
