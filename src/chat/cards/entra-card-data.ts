// The details card's Entra ID lines, in words, for both renderers (Adaptive Cards and Block Kit): the
// linked account's UPN, state, origin, last sign-in, method kinds with counts, directory roles.
import type { EntraSectionView } from '../../service/kernel';

const METHOD_WORDS: Readonly<Record<string, string>> = {
  password: 'password',
  microsoftAuthenticator: 'Microsoft Authenticator',
  phone: 'phone',
  fido2: 'FIDO2 security key',
  windowsHelloForBusiness: 'Windows Hello for Business',
  softwareOath: 'authenticator app (code)',
  hardwareOath: 'hardware token',
  email: 'e-mail',
  temporaryAccessPass: 'Temporary Access Pass',
  platformCredential: 'platform credential',
  x509Certificate: 'certificate',
};

/** [label, value, alarm] rows; empty when Graph is not configured. `when` formats an ISO date. */
export function entraRows(entra: EntraSectionView | undefined, when: (iso: string) => string): [string, string, boolean][] {
  if (!entra) return [];
  if (!entra.found) return [['Entra ID', 'No linked Entra ID account', false]];
  const methods = entra.methods.map((m) => `${METHOD_WORDS[m.kind] ?? m.kind}${m.count > 1 ? ` ×${m.count}` : ''}`);
  return [
    ['Entra ID account', entra.userPrincipalName, false],
    ['Entra ID state', `${entra.enabled ? 'Enabled' : 'Disabled'} · ${entra.origin === 'synced' ? 'synced from on-premises AD' : 'cloud-only'}`, !entra.enabled],
    ['Last Entra sign-in', entra.lastSignIn ? when(entra.lastSignIn) : entra.lastSignInReported ? 'Never' : 'Not reported by the tenant', false],
    ['Sign-in methods', methods.length ? methods.join(', ') : 'None registered', false],
    ...(entra.directoryRoles.length ? [['Directory roles', `${entra.directoryRoles.join(', ')} (protected)`, true] as [string, string, boolean]] : []),
  ];
}
