import { PORTAL_JS_BUDGET_BYTES, portalFirstLoadJs } from '@psa/local/bench/web';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { expect, it } from 'vitest';

it('keeps the portal’s first load within 150 KB of compressed JavaScript', async () => {
  if (webBuildIsStale()) buildWeb();
  const js = await portalFirstLoadJs();
  expect(js.files).toBeGreaterThan(0);
  expect(js.gzip).toBeLessThanOrEqual(PORTAL_JS_BUDGET_BYTES);
});
