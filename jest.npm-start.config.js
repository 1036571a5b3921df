/** test/npm-start alone, after the other suites: `npm start` rebuilds dist/ and web/dist, which they read. */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/dist/test/npm-start'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  maxWorkers: 1,
};
