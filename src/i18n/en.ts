/**
 * English texts of the invitation email and the customer's pages. Translators: keep every
 * {placeholder} as it is; the code fills them in (and escapes them for HTML).
 * Placeholders: {reseller} {provider} {company} {url} {expiry} {tenant} {user}
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
      'Accepting grants {reseller} delegated administrative privileges in your Microsoft Entra tenant, so that it can manage your services on your behalf.',
    grantsWithProvider:
      'Accepting grants {reseller} and {provider} delegated administrative privileges in your Microsoft Entra tenant, so that they can manage your services on your behalf.',
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
    grants: 'If you accept, {reseller} receives delegated administrative privileges in your tenant.',
    grantsWithProvider:
      'If you accept, {reseller} and its indirect provider {provider} receive delegated administrative privileges in your tenant.',
    expiry: 'This invitation expires on {expiry}.',
    onlyGlobalAdmin: "Only a global administrator of the customer's tenant can accept or decline.",
    signInPrompt: 'Sign in with your work account to accept or decline.',
    signIn: 'Sign in',
    signedInAs: 'Signed in as {user} (tenant {tenant}).',
    accept: 'Accept',
    decline: 'Decline',
    invalidTitle: 'This link is no longer valid',
    invalidBody:
      'The invitation link has expired, was withdrawn, was declined or is not a valid link. Ask your partner for a new invitation.',
    acceptedTitle: 'This invitation has been accepted',
    acceptedBody: 'The reseller relationship is in place. There is nothing more to do.',
    acceptedDoneBody:
      'Thank you. {reseller} now has a reseller relationship with {company} and delegated administrative privileges in your tenant.',
    acceptedDoneBodyWithProvider:
      'Thank you. {reseller} and {provider} now have reseller relationships with {company} and delegated administrative privileges in your tenant.',
    endedBody:
      'This invitation was accepted, but the reseller relationship has since ended: {reseller} no longer has delegated administrative privileges in your tenant through it. To work with {reseller} again, ask them for a new invitation.',
    declinedTitle: 'You declined the invitation',
    declinedBody: 'Nothing was granted. {reseller} will see that the invitation was declined.',
    errorTitle: 'This could not be done',
    /** Refusals, by problem code; any other refusal shows the service's own (English) detail. */
    errors: {
      unauthenticated: 'Sign in first, with a work account of the invited organisation.',
      'role-required': "Only a global administrator of the customer's tenant can accept or decline an invitation.",
      'wrong-tenant': 'This invitation was sent to another organisation: sign in with an account of the invited tenant.',
      'cross-site-request': 'This answer did not come from the invitation page itself. Open the invitation link and answer there.',
      'invitation-already-accepted':
        'This invitation has already been accepted; it can no longer be declined or accepted by another organisation.',
      'validation-failed': 'Choose Accept or Decline on the invitation page.',
    } as Record<string, string>,
  },
};

export type Texts = typeof en;
