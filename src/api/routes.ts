/**
 * Every route's methods and path, with nothing else: the portal client imports this (and no zod)
 * at run time. src/api/operations.ts adds the schemas and access rules.
 */
export const routes = {
  createInvitation: { methods: ['POST'], route: 'invitations' },
  listInvitations: { methods: ['GET'], route: 'invitations' },
  getInvitation: { methods: ['GET'], route: 'invitations/{id}' },
  sendInvitation: { methods: ['POST'], route: 'invitations/{id}/send' },
  revokeInvitation: { methods: ['DELETE'], route: 'invitations/{id}' },
  acceptPage: { methods: ['GET', 'HEAD'], route: 'accept/{token}' },
  acceptInvitation: { methods: ['POST'], route: 'accept/{token}' },
  listRelationships: { methods: ['GET'], route: 'relationships' },
  getRelationship: { methods: ['GET'], route: 'relationships/{customerId}' },
  removeRelationship: { methods: ['POST'], route: 'relationships/{customerId}/remove' },
  listAuditEvents: { methods: ['GET'], route: 'audit' },
  getPartner: { methods: ['GET'], route: 'partners/me' },
  getInsights: { methods: ['GET'], route: 'insights' },
  listPartners: { methods: ['GET'], route: 'admin/partners' },
  getPartnerRecord: { methods: ['GET'], route: 'admin/partners/{id}' },
  putPartner: { methods: ['PUT'], route: 'admin/partners/{id}' },
  health: { methods: ['GET'], route: 'health' },
  // Delegated admin: the role catalogue, the partner's controls, the customer's side.
  listRoles: { methods: ['GET'], route: 'roles' },
  setDelegatedAdminAutoExtend: { methods: ['PATCH'], route: 'relationships/{customerId}/delegated-admin' },
  revokeDelegatedAdmin: { methods: ['POST'], route: 'relationships/{customerId}/delegated-admin/revoke' },
  listCustomerRelationships: { methods: ['GET'], route: 'customer/relationships' },
  customerRevokeDelegatedAdmin: { methods: ['POST'], route: 'customer/relationships/{partnerId}/delegated-admin/revoke' },
  customerPage: { methods: ['GET', 'HEAD'], route: 'customer' },
  // Access requests: the partner asks, the customer's global admin answers on the link's page.
  createChangeRequest: { methods: ['POST'], route: 'relationships/{customerId}/delegated-admin/requests' },
  listChangeRequests: { methods: ['GET'], route: 'relationships/{customerId}/delegated-admin/requests' },
  getChangeRequest: { methods: ['GET'], route: 'relationships/{customerId}/delegated-admin/requests/{id}' },
  revokeChangeRequest: { methods: ['DELETE'], route: 'relationships/{customerId}/delegated-admin/requests/{id}' },
  sendChangeRequest: { methods: ['POST'], route: 'relationships/{customerId}/delegated-admin/requests/{id}/send' },
  changeRequestPage: { methods: ['GET', 'HEAD'], route: 'customer/requests/{token}' },
  answerChangeRequest: { methods: ['POST'], route: 'customer/requests/{token}' },
  putWebhook: { methods: ['PUT'], route: 'webhooks' },
  getWebhook: { methods: ['GET'], route: 'webhooks' },
  deleteWebhook: { methods: ['DELETE'], route: 'webhooks' },
  rotateWebhookSecret: { methods: ['POST'], route: 'webhooks/rotate-secret' },
  testWebhook: { methods: ['POST'], route: 'webhooks/test' },
  listDeliveries: { methods: ['GET'], route: 'webhooks/deliveries' },
  redeliver: { methods: ['POST'], route: 'webhooks/deliveries/{eventId}/redeliver' },
  listEvents: { methods: ['GET'], route: 'events' },
  openapi: { methods: ['GET'], route: 'openapi.json' },
} as const;

export type RouteName = keyof typeof routes;
