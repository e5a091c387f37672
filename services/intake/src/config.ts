import { AuthConfig, CoreConfig } from '@psa/common/runtime';

/** Intake's configuration, parsed once at cold start. */
export const IntakeConfig = CoreConfig.extend(AuthConfig.shape);
