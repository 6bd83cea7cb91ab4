// The bound on one user's portal events per hour, counted by arrival, for what anyone can make us write:
// the portal API's batches and the portal's anonymous requests (SMS sign-in codes, refused sign-ins). A
// flood neither fills the store nor buries what the vishing indicators read, and it shows as one of them.
import { HOUR_MS } from '../../domain/vishing-indicators';
import type { PortalEventRepository } from '../../ports/portal.port';

/** How many more events may be stored for this user now (0 when the hour's bound is reached). */
export async function roomForEvents(events: PortalEventRepository, user: string, now: Date, perHour: number): Promise<number> {
  return Math.max(0, perHour - (await events.countArrived(user, new Date(now.getTime() - HOUR_MS))));
}
