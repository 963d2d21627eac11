/** Unit and integration projects; `npm test` runs both (type-checking runs first, in `tsc --noEmit`). */
const transform = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
// These packages ship only ESM. Node 20.19+ loads them with require(esm), but jest's module
// runtime does not, so jest compiles them to CommonJS like our own files.
const esmOnly = ['oidc-provider', 'jose', 'openid-client', 'oauth4webapi'];
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
