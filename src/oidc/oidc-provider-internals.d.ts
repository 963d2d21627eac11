// oidc-provider's own refresh_token grant, re-registered with the `organization` parameter
// (provider.ts). The package has no `exports` map, so these modules are reachable.
declare module 'oidc-provider/lib/actions/grants/refresh_token.js' {
  export const handler: (provider: unknown, helpers: unknown, ctx: unknown) => Promise<void>;
  export const parameters: Set<string>;
}
declare module 'oidc-provider/lib/helpers/grants.js' {
  const helpers: Record<string, (...args: unknown[]) => unknown>;
  export = helpers;
}
