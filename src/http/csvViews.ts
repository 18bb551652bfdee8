/** The documented CSV columns of the exports and of a batch's results (docs/api.md, "CSV formats"). */
import type { BatchRowResult } from '../domain/batch';
import type { InvitationView } from '../domain/invitationViews';
import type { Relationship } from '../domain/model';
import type { CsvColumn } from './csv';

const column = <T>(header: string, cell: CsvColumn<T>['cell']): CsvColumn<T> => ({ header, cell });

export const RELATIONSHIP_COLUMNS: CsvColumn<Relationship>[] = [
  column('customerId', (r) => r.customerId),
  column('companyName', (r) => r.companyName),
  column('domain', (r) => r.domain),
  column('role', (r) => r.role),
  column('status', (r) => r.status),
  column('delegatedAdminStatus', (r) => r.delegatedAdmin.status),
  column('roles', (r) => r.delegatedAdmin.roles.join(' ')),
  column('endsAt', (r) => r.delegatedAdmin.endsAt),
  column('establishedAt', (r) => r.establishedAt),
  column('removedAt', (r) => r.removedAt),
];

export const INVITATION_COLUMNS: CsvColumn<InvitationView>[] = [
  column('id', (i) => i.id),
  column('companyName', (i) => i.customer.companyName),
  column('email', (i) => i.customer.email),
  column('kind', (i) => i.kind),
  column('status', (i) => i.status),
  column('createdAt', (i) => i.createdAt),
  column('expiresAt', (i) => i.expiresAt),
  column('acceptedAt', (i) => i.acceptedAt),
  column('emailStatus', (i) => i.email.status),
];

/** A batch's rows for a mail merge: each created invitation's link beside the row's company and email. */
export const BATCH_RESULT_COLUMNS: CsvColumn<BatchRowResult>[] = [
  column('row', (r) => r.row),
  column('line', (r) => r.line),
  column('status', (r) => r.status),
  column('errors', (r) => r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')),
  column('companyName', (r) => r.label.companyName),
  column('email', (r) => r.label.email),
  column('id', (r) => r.invitation?.id),
  column('url', (r) => r.invitation?.url),
];
