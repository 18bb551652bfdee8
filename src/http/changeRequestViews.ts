/** How an access request's answer looks on the wire (AccessRequestAnswer). */
import type { ChangeAnswer } from '../domain/changeApproval';

export function changeAnswerView(a: ChangeAnswer) {
  const grant = a.relationship?.delegatedAdmin;
  const held = grant?.status === 'granted';
  return {
    status: a.status,
    requestId: a.request.id,
    customerId: a.request.customerId,
    roles: held ? grant.roles : [],
    ...(held ? { endsAt: grant.endsAt } : {}),
  };
}
