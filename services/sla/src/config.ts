import { CoreConfig, MailConfig } from '@psa/aws/runtime';

/** The SLA service's configuration, parsed once at cold start (mail: breach notices). */
export const SlaConfig = CoreConfig.extend(MailConfig.shape);
