/**
 * What the Lambda bundles import in place of a package (esbuild aliases, paths from the repository
 * root), each with what it saves. infra/test/bundle-aliases.test.ts and the packages' own tests
 * check that each stand-in behaves as what it replaces.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  /** The SDK's default credential chain: Lambda's credentials are in the environment (~100 KB). */
  '@aws-sdk/credential-provider-node': './packages/aws/src/lambda-credentials.ts',
  /** zod without its whole `z` namespace, which @hono/zod-openapi would keep alive (444 -> 100 KB). */
  zod: './packages/http/src/zod-in-bundles.ts',
  /** What date-holidays uses of moment-timezone, on Luxon (715 KB of zone data). */
  'moment-timezone': './packages/calendar/src/moment-timezone-on-luxon.ts',
  /**
   * One build of libmime: mailparser imports its ES module build, mailsplit requires its CommonJS
   * one, so the parser's functions carried both (93 KB). The same version's CommonJS build for both.
   */
  libmime: './node_modules/libmime/dist/cjs/libmime.js',
};

/** The same aliases as esbuild command-line arguments (the CDK's `bundling.esbuildArgs`). */
export const bundleAliasArgs = (): Record<string, string> =>
  Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([name, path]) => [`--alias:${name}`, path]));
