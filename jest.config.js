/** Tests run from the compiled output: `npm test` builds once with tsc, then jest runs the JS. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 60000,
  maxWorkers: 2,
};
