import { CoreConfig, QueueConfig } from '@psa/common/runtime';

/** The router's configuration, parsed once at cold start. */
export const RouterConfig = CoreConfig.extend(QueueConfig.shape);
