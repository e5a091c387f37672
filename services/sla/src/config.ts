import { CoreConfig } from '@psa/aws/config';

/** The SLA service's configuration, parsed once at cold start (breach notices go out through SES). */
export const SlaConfig = CoreConfig;
