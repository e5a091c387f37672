import type { Api } from '../api.ts';
import type { Session } from '../auth.ts';
import type { Location } from '../router.ts';

/**
 * What every staff page receives: who is signed in, the API, and where in the app we are. Its own
 * module, so the lazily loaded sections do not import the frame that loads them.
 */
export interface StaffPageProps {
  session: Session;
  api: Api;
  location: Location;
  onExpired: () => void;
}
