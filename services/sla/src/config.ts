import { CoreConfig } from '@psa/common/runtime';

/** The SLA service's configuration, parsed once at cold start. */
export const SlaConfig = CoreConfig;
