/**
 * What `zod` resolves to in the Lambda bundles (an esbuild alias, infra/src/psa-function.ts).
 *
 * `@hono/zod-openapi` imports zod's `z` and passes it as a value to `extendZodWithOpenApi`, which
 * makes esbuild keep every export of zod (toJSONSchema, fromJSONSchema, the compiler, every
 * locale): 444 KB of each API bundle, where what the functions use is about 100 KB. The library
 * reads only `z.ZodType` (to put `.openapi()` on its prototype), so here `z` is that one member,
 * and any other member read from it fails loudly, naming the fix. Everything else is zod's own
 * exports, unchanged: our code writes `import * as z from 'zod'` (a lint rule keeps it so), which
 * esbuild shakes to what is used. Outside the bundles (tests, the local runtime) `zod` is zod.
 *
 * The real zod is reached by its file, not by its name: the alias would send `zod/...` back here.
 */
import { ZodType } from '../../../node_modules/zod/index.js';

export * from '../../../node_modules/zod/index.js';

const members: Record<string, unknown> = { ZodType };

export const z: { ZodType: typeof ZodType } = new Proxy(members, {
  get(target, name) {
    if (typeof name !== 'string' || name in target) return target[name as string];
    // A thenable check or a debugger's inspection, not a use of zod.
    if (name === 'then' || name === 'toJSON') return undefined;
    throw new Error(
      `z.${name} is not in the Lambda bundles' zod (packages/http/src/zod-in-bundles.ts): write \`import * as z from 'zod'\``,
    );
  },
}) as { ZodType: typeof ZodType };

export default z;
