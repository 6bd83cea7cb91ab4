// A pick-list button: the details card of one user, by login.
import { VERBS } from '../../domain/verbs';
import { pressRoute, findOne, type UseCaseCall, type View } from '../kernel';
import { detailsCard } from './details-card';

export async function showUser({ env, ctx, actor, subject }: UseCaseCall, login: string): Promise<View> {
  const entry = await findOne(env.directory, login);
  subject.target = entry.sAMAccountName;
  return detailsCard(env, actor, entry, ctx.timeZone);
}

export const showUserRoutes = [pressRoute(VERBS.userShow, { action: 'user.view', run: (call, data) => showUser(call, data.user ?? '') })];
