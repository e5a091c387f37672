import { AuthConfig, CoreConfig, QueueConfig } from '@psa/aws/config';

/** The router's configuration, parsed once at cold start. */
export const RouterConfig = CoreConfig.extend(QueueConfig.shape);

/** The router's HTTP API (division of work, simulation, history import). */
export const RouterApiConfig = CoreConfig.extend(AuthConfig.shape);
