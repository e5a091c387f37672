import { describe, expect, it } from 'vitest';
import { packageOf } from '../scripts/bundle-sizes.ts';

describe('bundle-sizes', () => {
  it('groups esbuild metafile inputs by npm package or workspace', () => {
    expect(packageOf('node_modules/@aws-sdk/client-s3/dist-es/S3Client.js')).toBe('@aws-sdk/client-s3');
    expect(packageOf('node_modules/a/node_modules/zod/v4/core/core.js')).toBe('zod');
    expect(packageOf('packages/aws/src/factories/core.ts')).toBe('packages/aws');
    expect(packageOf('services/intake/src/handlers/api.ts')).toBe('services/intake');
    expect(packageOf('<runtime>')).toBe('<runtime>');
  });
});
