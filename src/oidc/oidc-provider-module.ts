import type * as OidcProviderModule from 'oidc-provider';

let loaded: typeof OidcProviderModule | undefined;

/**
 * oidc-provider, loaded on first use. Its 9.x line prints "Unsupported runtime" once at load
 * on Node 20 (docs/decisions.md says why we run it there anyway); that line is kept off stderr,
 * where startup failures must stay one line.
 */
export function oidcProviderModule(): typeof OidcProviderModule {
  if (!loaded) {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider WARNING: Unsupported runtime')) warn(...args);
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('oidc-provider') as typeof OidcProviderModule;
    } finally {
      console.warn = warn;
    }
  }
  return loaded;
}
