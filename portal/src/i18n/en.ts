/**
 * The partner portal's English texts. Translators: keep every {placeholder} as it is (the code
 * fills it in), and keep the names marked "exact": other teams' tests and Partner Center's own
 * vocabulary use them.
 */
export const en = {
  lang: 'en',
  app: {
    title: 'Partner portal',
    skip: 'Skip to content',
    nav: 'Main',
    /** The language switch shows the OTHER language, in that language. */
    switchTo: 'Español',
    switchToLang: 'es',
    signIn: 'Sign in', // exact
    signOut: 'Sign out',
    signedInAs: 'Signed in as {name}',
    loading: 'Loading…',
    unreachable: 'The service cannot be reached. Check your connection and try again.',
    unexpected: 'Something went wrong: {message}',
    requestId: 'Request ID for support: {id}',
    notSignedInTitle: 'Sign in to the partner portal',
    notSignedIn: 'Sign in with your work account to manage your customers.',
    noAccessTitle: 'You cannot use the partner portal',
    noAccess:
      'Only a global admin or admin agent of an enrolled partner organisation can use the partner portal. Ask your organisation’s global admin for access.',
    notFound: 'There is no such page.',
    backToCustomers: 'Back to Customers',
  },
  nav: {
    overview: 'Overview', // exact
    customers: 'Customers', // exact
    invitations: 'Invitations', // exact
    request: 'Request a reseller relationship', // exact
    newRelationship: 'New relationship', // exact
    bulk: 'Bulk invite', // exact
    webhooks: 'Webhooks',
  },
  exportCsv: {
    button: 'Export CSV', // exact
    exporting: 'Exporting…',
    done: 'The file {file} was downloaded.',
  },
  bulk: {
    title: 'Bulk invite',
    intro:
      'Invite up to 500 customers at once from a CSV file. Each row is checked as the invitation form checks it; a row with a problem stops no other.',
    template: 'Download template CSV',
    templateHint: 'Columns: {columns}. companyName and email are required; roles are role template IDs separated by spaces.',
    file: 'CSV file',
    fileHint: 'UTF-8, separated by commas or semicolons, as Excel saves “CSV UTF-8”.',
    check: 'Check file',
    checking: 'Checking…',
    send: 'Send each invitation by email now',
    create: 'Create invitations', // exact
    creating: 'Creating…',
    download: 'Download results', // exact
    // The counts are worded in `counts` below.
    checked: '{rows}: {valid}, {failed}, {duplicate}.',
    created: '{created} ({sent}); {failed}, {duplicate}.',
    nothingToCreate: 'No row is ready to create. Correct the file and check it again.',
    results: 'Rows',
    row: 'Row',
    line: 'Line',
    status: 'Status',
    other: 'Other fields',
    link: 'Link',
    chooseFirst: 'Choose a CSV file first.',
  },
  /** Counted words: `one|other`, chosen by the language's plural rules (src/i18n/plural.ts). */
  counts: {
    days: '{n} day|{n} days',
    rowsChecked: 'Checked {n} row|Checked {n} rows',
    ready: '{n} ready',
    withProblems: '{n} with problems',
    rowsWithProblems: '{n} row with problems|{n} rows with problems',
    repeated: '{n} repeated',
    created: 'Created {n} invitation|Created {n} invitations',
    sent: '{n} sent by email',
    invitations: '{n} invited',
    accepted: '{n} accepted',
    customersRemoved: '{n} removed',
  },
  bulkStatus: {
    valid: 'Ready',
    created: 'Created',
    failed: 'Problem',
    duplicate: 'Repeated',
  } as Record<string, string>,
  customers: {
    title: 'Customers',
    search: 'Search customers', // exact
    status: 'Status',
    active: 'Active',
    removed: 'Removed',
    company: 'Company',
    domain: 'Domain',
    role: 'Relationship',
    established: 'Established',
    removedAt: 'Removed',
    empty: 'No customers yet. Invite one with “New relationship” or “Request a reseller relationship”.',
    emptySearch: 'No customer matches “{q}”.',
    emptyRemoved: 'No removed customers.',
    next: 'Next page',
    previous: 'Previous page',
    page: 'Page {n}',
    removedNotice: '{company} was removed. {notice}',
  },
  overview: {
    title: 'Overview',
    asOf: 'As of {date}',
    active: 'Active customers',
    pending: 'Pending invitations',
    rate: 'Acceptance rate',
    rateHint: 'Last 90 days',
    median: 'Median time to accept: {hours}',
    noRate: 'No invitation answered or expired in the last 90 days',
    ending: 'Access ending within 30 days',
    chartTitle: 'The last 12 weeks',
    chartSummary:
      'Invitations sent, accepted and customers removed per week, from the week of {first} to the week of {last}: {invited}, {accepted}, {removed} in all. The table below has every week.',
    week: 'Week of',
    invited: 'Invited',
    accepted: 'Accepted',
    removed: 'Removed',
    endingTitle: 'Access ending soon',
    endingNone: 'No customer’s delegated admin ends in the next 30 days.',
    endsOn: 'ends {date}',
  },
  roles: {
    reseller: 'Reseller',
    indirectProvider: 'Indirect provider',
  },
  customer: {
    tabs: 'Customer',
    details: 'Details',
    activity: 'Activity',
    account: 'Account', // exact
    tenantId: 'Tenant ID',
    company: 'Company name',
    domain: 'Domain',
    relationship: 'Relationship',
    status: 'Status',
    established: 'Established',
    removedAt: 'Removed',
    removedBy: 'Removed by',
    provider: 'Indirect provider',
    reseller: 'Reseller',
    delegatedAdmin: 'Delegated admin privileges',
    daStatus: 'Status',
    daRoles: 'Roles',
    daGranted: 'Granted',
    daEnds: 'Ends',
    daAutoExtend: 'Extends automatically',
    daRevoked: 'Revoked',
    yes: 'Yes',
    no: 'No',
    granted: 'Granted',
    revoked: 'Revoked',
    expired: 'Expired',
    activityEmpty: 'No activity recorded.',
    when: 'When',
    who: 'Who',
    what: 'What',
    accountIntro:
      'Removing the relationship revokes your delegated admin privileges for this customer and removes it from your customers. The customer is not notified.',
    remove: 'Remove customer relationship', // exact
    alreadyRemoved: 'This relationship was removed.',
  },
  removal: {
    title: 'Remove customer relationship',
    statementIntro: 'To remove the relationship, you must attest to the following statement:',
    // The service's own statement (test/unit/portal.test.ts checks that it is the same).
    statement:
      'I attest that this decision to remove the reseller relationship was made in good faith, for a legitimate business purpose and in line with our agreement with the customer.',
    confirm: 'I confirm the statement above.', // exact start: "I confirm"
    confirmRequired: 'Tick the box to confirm the statement.',
    reason: 'Reason (optional)',
    reasonHint: 'For your records; at most 500 characters. It is not sent to the customer.',
    remove: 'Remove', // exact
    cancel: 'Cancel',
    removing: 'Removing…',
  },
  access: {
    title: 'Change access',
    change: 'Change access', // exact
    reduce: 'Remove roles', // exact
    endingSoon: 'Delegated admin ends in {days} ({date}) and does not extend itself. Ask the customer for more time with Change access.',
    requestStatus: 'Access request: {status}',
    added: 'Roles added',
    removed: 'Roles removed',
    approved: 'Roles approved',
    none: 'None',
    duration: 'Duration',
    days: '{days} from approval',
    link: 'Request link',
    revoke: 'Revoke',
    revoked: 'The request was revoked: its link no longer works.',
    asked: 'Access request created: send its draft to the customer, or copy it.',
    reduced: 'Roles removed. The customer did not need to approve.',
    changeIntro:
      'Choose the roles and the duration to ask {company} for. The customer approves each added role, or declines; roles you leave out end when it approves. A pending request is replaced.',
    pickRole: 'Choose at least one role.',
    durationHint: 'Days from the customer’s approval, 1 to 730.',
    ask: 'Ask the customer',
    reduceIntro: 'Untick the roles to give up. Fewer roles need no approval from the customer; to add a role, use Change access.',
    keep: 'Roles to keep',
    reduceSubmit: 'Remove roles',
  },
  accessStatus: {
    pending: 'waiting for the customer',
    approved: 'approved',
    declined: 'declined',
    superseded: 'replaced by a newer request',
    revoked: 'revoked',
    expired: 'expired',
  } as Record<string, string>,
  audit: {
    'invitation.created': 'Invitation created',
    'invitation.sent': 'Invitation sent',
    'invitation.revoked': 'Invitation revoked',
    'invitation.accepted': 'Invitation accepted',
    'invitation.declined': 'Invitation declined',
    'invitation.expired': 'Invitation expired',
    'relationship.established': 'Relationship established',
    'relationship.removed': 'Relationship removed',
    'delegatedAdmin.changeRequested': 'Access change requested',
    'delegatedAdmin.changeSent': 'Access request sent',
    'delegatedAdmin.changeApproved': 'Access change approved',
    'delegatedAdmin.changeDeclined': 'Access change declined',
    'delegatedAdmin.changeRevoked': 'Access request revoked',
    'delegatedAdmin.rolesReduced': 'Roles removed',
  } as Record<string, string>,
  invite: {
    requestTitle: 'Request a reseller relationship',
    requestIntro:
      'For a customer that already has a Microsoft Entra tenant: give its tenant ID and/or domain, and the invitation can only be accepted by that tenant.',
    newTitle: 'New relationship',
    newIntro: 'For a new customer. Choose your indirect provider to ask the customer to accept both of you at once.',
    companyName: 'Company name', // exact
    domain: 'Domain', // exact
    email: 'Email address', // exact
    emailHint: 'The customer’s global admin, who receives the invitation.',
    tenantId: 'Tenant ID', // exact
    tenantIdHint: 'A UUID, such as 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e.',
    needTenantOrDomain: 'Give the tenant ID or the domain of the existing customer.',
    provider: 'Indirect provider', // exact
    noProvider: 'None (reseller relationship only)',
    language: 'Language', // exact
    languageHint: 'The language of the email and of the customer’s page.',
    english: 'English',
    spanish: 'Spanish',
    access: 'Delegated admin roles',
    accessHint: 'Ask only for the roles you need (least privilege).',
    privileged: 'privileged',
    duration: 'Duration (days)',
    durationHint: 'From 1 to 730 days.',
    autoExtend: 'Extend automatically by 180 days at the end',
    submit: 'Create invitation', // exact
    creating: 'Creating…',
    required: 'Required.',
    notReseller: 'Only resellers can invite customers.',
  },
  draft: {
    title: 'Review the invitation',
    intro: 'Review and edit the email, then copy it, open it in your email app, or send it. Keep the link in the message.',
    to: 'To',
    subject: 'Subject', // exact
    message: 'Message', // exact
    link: 'Invitation link',
    expires: 'The link expires on {date}.',
    linkMissing: 'The message must contain the invitation link exactly: {url}',
    insertLink: 'Add the link back',
    copy: 'Copy to clipboard', // exact
    copied: 'The message was copied to the clipboard.',
    copyFailed: 'The browser did not allow copying. Select the message and copy it yourself.',
    openEmail: 'Open in email', // exact
    send: 'Send', // exact
    sending: 'Sending…',
    sent: 'The invitation was sent to {to}.',
    done: 'Done', // exact
    notPending: 'This invitation is {status}: there is no draft to review.',
  },
  invitations: {
    title: 'Invitations',
    status: 'Status',
    all: 'All',
    customer: 'Customer',
    expires: 'Expires',
    email: 'Email',
    actions: 'Actions',
    copyLink: 'Copy link', // exact
    linkCopied: 'The link for {company} was copied.',
    revoke: 'Revoke', // exact
    revoked: 'The invitation for {company} was revoked.',
    review: 'Review draft',
    empty: 'No invitations.',
    more: 'Show more',
    kindCombined: 'with {provider}',
  },
  webhooks: {
    title: 'Webhooks',
    intro:
      'Your systems can receive every change as a signed event (CloudEvents, signed as Standard Webhooks do). One registration per partner.',
    none: 'No webhook is registered yet.',
    url: 'Webhook URL',
    urlHint: 'An https address of your system that answers 2xx quickly.',
    events: 'Events',
    allEvents: 'All events',
    enabled: 'Deliver events',
    save: 'Save webhook',
    saved: 'The webhook was saved.',
    secretTitle: 'Your signing secret',
    secretOnce: 'Copy it now: it is shown only this once. Use it to check the webhook-signature header of every delivery.',
    copySecret: 'Copy secret',
    secretCopied: 'The secret was copied.',
    rotate: 'Rotate secret',
    rotated: 'A new secret was made; the old one keeps signing for 24 hours, until {date}.',
    test: 'Send a test event',
    tested: 'A test event was sent ({id}).',
    remove: 'Remove webhook',
    removed: 'The webhook was removed; no more events are delivered.',
    deliveries: 'Deliveries',
    noDeliveries: 'No deliveries yet.',
    attempts: 'Attempts',
    lastAnswer: 'Last answer',
    delivered: 'Delivered',
    next: 'Next attempt',
    redeliver: 'Redeliver',
    redelivering: 'The event {id} will be delivered again.',
    refresh: 'Refresh',
    more: 'Show more',
    health: 'Endpoint health',
    failures: '{n} failed attempts in a row since {date}.',
    failingHint: 'Deliveries back off and are tried one at a time. A successful delivery or a test event closes the circuit.',
    disabledHint:
      'Your endpoint failed for days, so deliveries are held (none is lost; the event feed has every event). Send a test event, or save with “Deliver events” on, to enable it again.',
  },
  webhookHealth: {
    healthy: 'Healthy',
    failing: 'Failing',
    disabled: 'Disabled',
  },
  deliveryStatus: {
    pending: 'Pending',
    delivered: 'Delivered',
    failed: 'Failed',
  },
  invitationStatus: {
    pending: 'Pending',
    accepted: 'Accepted',
    declined: 'Declined',
    revoked: 'Revoked',
    expired: 'Expired',
  } as Record<string, string>,
  emailStatus: {
    notSent: 'Not sent',
    sent: 'Sent {date}',
    failed: 'Failed: {error}',
  },
};

/** Every catalogue has exactly the shape of the English one. */
export type Catalogue = {
  [K in keyof typeof en]: (typeof en)[K] extends Record<string, string> ? { [P in keyof (typeof en)[K]]: string } : string;
};
