import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK's default credential chain as a Lambda function needs it: Lambda hands the execution
 * role's session to the function in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN` (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * the first link of `@aws-sdk/credential-provider-node`'s chain. The CDK app bundles this module
 * in that package's place (an esbuild alias), which leaves out the rest of the chain (profiles,
 * SSO, web identity, instance metadata and their nested STS/SSO clients, about 100 KB of every
 * bundle) that can never answer in Lambda. The local runtime and tests keep the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> =>
  fromEnv(init);
