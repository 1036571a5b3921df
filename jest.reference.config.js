/**
 * test/reference alone (`npm run test:reference`): the app on Microsoft's Durable Task extension (the reference host,
 * local/durable-reference; needs the .NET SDK and NuGet). Not part of `npm test`; one suite at a time, real timers.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/dist/test/reference'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/dist/test/support/plain-summary-reporter.js'],
};
