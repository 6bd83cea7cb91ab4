// The one directory user a login (sAMAccountName, UPN or mail) names, for the places that must answer an
// unknown login and an ambiguous one (one account's login is another's mail) alike: the portal's pages,
// POST /api/portal/pins/verify and the portal API's event intake. A blank or over-long login asks the
// directory nothing.
import type { DirectoryEntry } from '../../domain/directory-user';
import { isHelpdeskError } from '../../domain/errors';
import type { Directory } from '../../ports/directory.port';

export async function userNamedBy(directory: Directory, login: string): Promise<DirectoryEntry | null> {
  const trimmed = login.trim();
  if (trimmed.length === 0 || login.length > 256) return null;
  try {
    return await directory.findByLogin(trimmed);
  } catch (e) {
    if (isHelpdeskError(e) && (e.code === 'DIR.USER_NOT_FOUND' || e.code === 'DIR.AMBIGUOUS')) return null;
    throw e;
  }
}
