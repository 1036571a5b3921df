/** Tests run from the compiled output: `npm test` builds once with tsc, then jest runs the JS. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  // test/npm-start runs `npm start`, which rebuilds dist/ and web/dist: jest.npm-start.config.js runs it after the rest.
  // test/reference runs the app on Microsoft's Durable Task extension: `npm run test:reference` (jest.reference.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/test/npm-start/', '<rootDir>/dist/test/reference/'],
  testTimeout: 60000,
  maxWorkers: 2,
  // Under jest the worker's `@azure/functions-core` is provided here instead of by the host's require hook.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/dist/local/durable-host/functions-core-module.js' },
};
