/**
 * English texts of the invitation email and the customer's pages, spoken to the customer ("you").
 * Translators: keep every {placeholder} as it is; the code fills them in (and escapes them for HTML).
 * Placeholders: {reseller} {provider} {company} {url} {expiry} {tenant} {user} {days} {endsAt}
 * {customerUrl} {role} {partner}
 */
export const en = {
  email: {
    subject: '{reseller} invites {company} to a reseller relationship',
    subjectWithProvider: '{reseller} and {provider} invite {company} to reseller relationships',
    greeting: 'Hello,',
    intro: '{reseller} invites {company} to a reseller relationship, so that it can sell you Microsoft cloud services and support you.',
    introWithProvider:
      '{reseller} invites {company} to a reseller relationship with itself and with its indirect provider, {provider}. One acceptance creates both relationships.',
    grants:
      'If you accept, you grant {reseller} delegated administrative privileges in your Microsoft Entra tenant, limited to these roles, so that it can manage your services on your behalf:',
    grantsWithProvider:
      'If you accept, you grant {reseller} and {provider} delegated administrative privileges in your Microsoft Entra tenant, limited to these roles, so that they can manage your services on your behalf:',
    duration: 'These roles last {days} from the day you accept: until {endsAt} at the latest.',
    autoExtend: 'At their end they are extended by 180 days at a time, until you or your partner end them.',
    removeAnyTime: 'You can remove these roles at any time, on your partner relationships page: {customerUrl}',
    action: 'A global administrator of your organisation must open this personal link, sign in, and accept:',
    expiry: 'The link can be used once and expires on {expiry}.',
    ignore: 'If you were not expecting this invitation, you can ignore this email: nothing changes unless you accept.',
    signature: 'Kind regards,\n{reseller}',
    button: 'Review the invitation',
  },
  page: {
    lang: 'en',
    title: 'Reseller relationship invitation',
    heading: '{reseller} invites {company} to a reseller relationship',
    headingWithProvider: '{reseller} and {provider} invite {company} to reseller relationships',
    grants: 'If you accept, you grant {reseller} delegated administrative privileges in your tenant, limited to these roles:',
    grantsWithProvider:
      'If you accept, you grant {reseller} and its indirect provider {provider} delegated administrative privileges in your tenant, limited to these roles:',
    duration: 'They last {days}: if you accept now, until {endsAt}.',
    autoExtend: 'At their end they are extended by 180 days at a time, until you or your partner end them.',
    removeAnyTime: 'You can remove these roles at any time on your partner relationships page.',
    customerPageLink: 'Your partner relationships',
    expiry: 'This invitation expires on {expiry}.',
    onlyGlobalAdmin: 'Only a global administrator of your organisation can accept or decline.',
    signInPrompt: 'Sign in with your work account to accept or decline.',
    signIn: 'Sign in',
    signedInAs: 'Signed in as {user} (tenant {tenant}).',
    roleNeeded:
      'To accept or decline you need the Global Administrator role in your organisation, and this account does not have it. Sign in with a global administrator account.',
    wrongTenant:
      'This invitation was sent to another organisation (tenant {tenant}): you are signed in to a different tenant. Sign in with an account of the invited organisation.',
    switchAccount: 'Sign out and use another account',
    accept: 'Accept',
    decline: 'Decline',
    invalidTitle: 'This link is no longer valid',
    invalidBody:
      'The invitation link has expired, was withdrawn, was declined or is not a valid link. Ask your partner for a new invitation.',
    acceptedTitle: 'This invitation has been accepted',
    acceptedBody: 'The reseller relationship is in place. There is nothing more for you to do.',
    acceptedDoneBody:
      'Thank you. {reseller} now has a reseller relationship with {company} and the delegated admin roles you approved in your tenant.',
    acceptedDoneBodyWithProvider:
      'Thank you. {reseller} and {provider} now have reseller relationships with {company} and the delegated admin roles you approved in your tenant.',
    endedBody:
      'This invitation was accepted, but the reseller relationship has since ended: {reseller} no longer has delegated admin roles in your tenant through it. To work with {reseller} again, ask them for a new invitation.',
    declinedTitle: 'You declined the invitation',
    declinedBody: 'You granted nothing. {reseller} will see that you declined the invitation.',
    errorTitle: 'This could not be done',
    /** Refusals, by problem code; any other refusal shows the service's own (English) detail. */
    errors: {
      unauthenticated: 'Sign in first, with a work account of the invited organisation.',
      'role-required': 'Only a global administrator of your organisation can do this.',
      'wrong-tenant': 'This invitation was sent to another organisation: sign in with an account of the invited tenant.',
      'cross-site-request': 'This answer did not come from the invitation page itself. Open the invitation link and answer there.',
      'invitation-already-accepted':
        'This invitation has already been accepted; it can no longer be declined or accepted by another organisation.',
      'validation-failed': 'Choose Accept or Decline on the invitation page.',
      'not-found': 'This partner has no relationship with your organisation.',
    } as Record<string, string>,
  },
  /** The customer's own page: its partners and their delegated admin roles. */
  customer: {
    title: 'Partner relationships',
    intro:
      'These partners have a relationship with your organisation. You can remove a partner’s delegated admin roles at any time; the reseller relationship itself stays.',
    none: 'No partner has a relationship with your organisation.',
    partner: 'Partner',
    kind: 'Type',
    reseller: 'Reseller',
    indirectProvider: 'Indirect provider',
    roles: 'Delegated admin roles',
    status: 'Status',
    endsAt: 'Ends',
    granted: 'Active',
    revoked: 'Removed',
    expired: 'Expired',
    autoExtends: 'extends by 180 days at its end',
    removeRoles: 'Remove roles',
    removed: 'You removed the delegated admin roles of {partner}. The reseller relationship stays.',
    signInPrompt: 'Sign in with a global administrator account of your organisation to see your partner relationships.',
    roleNeeded:
      'Only a global administrator of your organisation can see and change partner relationships, and this account is not one. Sign in with a global administrator account.',
    more: 'More partners',
  },
  /** A number of days, `one|other` (src/i18n/plural.ts). */
  days: '{n} day|{n} days',
};

export type Texts = typeof en;
