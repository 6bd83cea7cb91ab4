// `enrollment <user>` (supervisors): the enrolled questions with each answer masked by ENROLLMENT_MASK,
// the enrolled methods and when the enrollment last changed. The answer is opened only to be masked; the
// plaintext never leaves this function. The route audits every view (and every refusal).
import { maskAnswer } from '../../domain/masking';
import { portalTarget } from './portal-target';
import { commandRoute, type UseCaseCall, type EnrollmentView } from '../kernel';

/** Shown when a sealed answer does not open (tampered, or sealed under another key): never a guess. */
export const UNREADABLE = '(unreadable)';

export async function enrollmentData(call: UseCaseCall<'enrollments' | 'portalAccounts' | 'portalEvents'>, login: string): Promise<EnrollmentView> {
  const { env, subject } = call;
  const target = await portalTarget(call, login);
  const [account, enrollment, changes] = await Promise.all([
    env.store.portalAccounts.get(target.key),
    env.store.enrollments.get(target.key),
    env.store.portalEvents.list({ user: target.key, type: 'enrollment-change', limit: 1 }),
  ]);
  // Questions change in the enrollment table; other methods (a new mobile) only show as events.
  const changed = Math.max(enrollment?.updatedAt.getTime() ?? 0, changes[0]?.at.getTime() ?? 0);
  const mask = env.settings.enrollmentMask;
  const cipher = env.answerCipher;
  const questions = (enrollment?.questions ?? []).map((q) => {
    let masked = UNREADABLE;
    if (cipher) {
      try {
        masked = maskAnswer(cipher.open(target.key, q.answer), mask);
      } catch {
        masked = UNREADABLE;
      }
    }
    return { question: q.question, maskedAnswer: masked };
  });
  subject.detail = [subject.detail, `${questions.length} questions, answers masked (${mask})`].filter(Boolean).join('; ');
  return {
    kind: 'enrollment',
    target: target.view,
    enrolled: account?.enrolled ?? questions.length > 0,
    methods: account?.methods ?? (questions.length > 0 ? ['questions'] : []),
    questions,
    mask,
    ...(changed > 0 ? { changedAt: new Date(changed).toISOString() } : {}),
  };
}

export const enrollmentDataRoutes = [
  commandRoute('enrollment', { action: 'enrollment.view', target: (c) => c.user, run: (call, c) => enrollmentData(call, c.user) }),
];
