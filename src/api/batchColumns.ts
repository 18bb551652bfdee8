/**
 * The columns of a bulk invitation CSV file, in the template's order (docs/api.md, "CSV
 * formats"). Plain data: the portal imports it for its template without zod or a CSV parser.
 */
export const BATCH_CSV_COLUMNS = [
  'companyName',
  'email',
  'domain',
  'tenantId',
  'indirectProviderId',
  'locale',
  'roles',
  'duration',
  'autoExtend',
] as const;
export type BatchCsvColumn = (typeof BATCH_CSV_COLUMNS)[number];

/** The createInvitation field a column fills (what a row's errors name). */
export const FIELD_OF_COLUMN: Record<BatchCsvColumn, string> = {
  companyName: 'customer.companyName',
  email: 'customer.email',
  domain: 'customer.domain',
  tenantId: 'customer.tenantId',
  indirectProviderId: 'indirectProviderId',
  locale: 'locale',
  roles: 'access.roles',
  duration: 'access.duration',
  autoExtend: 'access.autoExtend',
};
