import { AuthConfig, CoreConfig, WebConfig } from '@psa/aws/config';

/** Reporting's configuration, parsed once at cold start. */
export const ReportingConfig = CoreConfig.extend(AuthConfig.shape).extend(WebConfig.shape);
