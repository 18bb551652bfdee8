/**
 * The portal's typed client of the API, built from the same declarations as the service: routes
 * and methods come from `operations` (src/api/operations.ts), request and response types are the
 * zod schemas' own (`z.input`/`z.output`). It runs in browsers and in Node 20 (only `fetch`); it
 * imports no Azure SDK and no Node module.
 *
 *   const api = createClient({ baseUrl: 'https://func-api-….azurewebsites.net', getToken });
 *   const invitation = await api.createInvitation({ customer: { companyName, email } });
 *   for await (const r of api.relationships({ q: 'con' })) show(r);
 *   await api.removeRelationship(r.customerId, { attestGoodFaith: true }, { ifMatch: r.etag });
 *
 * Every answer outside 2xx is thrown as an ApiError carrying the RFC 9457 problem document.
 */
import { API_PREFIX } from '../api/paths';
import { routes } from '../api/routes';
import type {
  AccessRequest,
  AccessRequestAnswer,
  AccessRequestInput,
  DelegatedAdminChange,
  AcceptResult,
  AuditEvent,
  AuditFilter,
  Bodies,
  ClientOperation,
  CloudEvent,
  CreateInvitationInput,
  Delivery,
  DeliveryFilter,
  EventFilter,
  Health,
  Invitation,
  InvitationFilter,
  Insights,
  Partner,
  Queries,
  Relationship,
  RelationshipFilter,
  RemovalResult,
  RemoveRelationshipInput,
  Responses,
  SendInvitationInput,
  Webhook,
  WebhookCreated,
  WebhookInput,
} from './contract';
import { errorFromResponse } from './errors';

export { ApiError, isApiError } from './errors';
export { localDevToken, localPrincipal, type LocalIdentity } from './localToken';
export type * from './contract';

// ---------- types ----------

type ResponseOf<K extends ClientOperation> = Responses[K];
type QueryOf<K extends ClientOperation> = Queries[K];
type BodyOf<K extends ClientOperation> = Bodies[K];
type RouteOf<K extends ClientOperation> = (typeof routes)[K]['route'];

type ParamNames<R extends string> = R extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;
/** `{ id: string }` for `invitations/{id}`; nothing for routes without parameters. */
export type PathParams<K extends ClientOperation> = { [P in ParamNames<RouteOf<K>>]: string };

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  continuationToken?: string | undefined;
}

type Paged<F> = { [K in keyof (F & { continuationToken?: string | undefined })]: (F & { continuationToken?: string | undefined })[K] };

// ---------- options ----------

type Awaitable<T> = T | Promise<T>;

export interface ClientOptions {
  /** The Function App's URL without `/api`, e.g. `https://func-api-abc.azurewebsites.net` or `http://localhost:7071`; `''` for the page's own origin. */
  baseUrl: string;
  /** The bearer token for `Authorization` (an Entra access token for the API in Azure, `localDevToken(…)` locally); nothing is sent when it returns undefined or ''. */
  getToken?: () => Awaitable<string | undefined>;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers on every request, e.g. `Accept-Language`, or `x-ms-client-principal` from Node against the local runner. */
  headers?: Record<string, string> | (() => Awaitable<Record<string, string>>);
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface RemoveOptions extends RequestOptions {
  /** The relationship's `etag`: the removal fails with 412 if it changed since. */
  ifMatch?: string;
}

export type CallInput<K extends ClientOperation> = RequestOptions & {
  query?: QueryOf<K>;
  body?: BodyOf<K>;
  ifMatch?: string;
} & ([ParamNames<RouteOf<K>>] extends [never] ? { params?: undefined } : { params: PathParams<K> });

/** A 2xx answer with its headers (ETag, Location, x-request-id are exposed to cross-origin pages). */
export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

// ---------- building requests ----------

/** `invitations/{id}/send` + `{ id }` → `invitations/<id, URL-encoded>/send`. */
export function expandRoute(route: string, params: Record<string, string> = {}): string {
  return route.replace(/\{([A-Za-z0-9_]+)(?::[^}]*)?\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`Missing path parameter "${name}" for route ${route}.`);
    return encodeURIComponent(value);
  });
}

function queryString(query: object | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  if (/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Yields every item of every page, requesting the next page only when the previous one is used up. */
export async function* paginate<T>(
  listPage: (continuationToken: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  let token: string | undefined;
  do {
    const page = await listPage(token);
    yield* page.items;
    token = page.continuationToken;
  } while (token);
}

// ---------- the client ----------

export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  /** Any client operation by name, with its status and headers. */
  async function call<K extends ClientOperation>(name: K, input: CallInput<K>): Promise<ApiResponse<ResponseOf<K>>> {
    const op = routes[name];
    const url = `${base}${API_PREFIX}/${expandRoute(op.route, input.params)}${queryString(input.query)}`;
    const headers = new Headers({ Accept: 'application/json' });
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
    for (const [k, v] of Object.entries({ ...extra, ...input.headers })) headers.set(k, v);
    const token = await options.getToken?.();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    if (input.ifMatch) headers.set('If-Match', input.ifMatch);
    let body: string | undefined;
    if (input.body !== undefined) {
      body = JSON.stringify(input.body);
      headers.set('Content-Type', 'application/json');
    }
    const response = await doFetch(url, { method: op.methods[0], headers, body, signal: input.signal });
    const data = await readBody(response);
    if (!response.ok) throw errorFromResponse(response, data);
    return { status: response.status, headers: response.headers, data: data as ResponseOf<K> };
  }

  const get = async <K extends ClientOperation>(name: K, input: CallInput<K>): Promise<ResponseOf<K>> => (await call(name, input)).data;

  const listInvitations = (query: Paged<InvitationFilter> = {}, o: RequestOptions = {}) => get('listInvitations', { ...o, query });
  const listRelationships = (query: Paged<RelationshipFilter> = {}, o: RequestOptions = {}) => get('listRelationships', { ...o, query });
  const listAuditEvents = (query: Paged<AuditFilter> = {}, o: RequestOptions = {}) => get('listAuditEvents', { ...o, query });
  const listDeliveries = (query: Paged<DeliveryFilter> = {}, o: RequestOptions = {}) => get('listDeliveries', { ...o, query });
  const listEvents = (query: Paged<EventFilter> = {}, o: RequestOptions = {}) => get('listEvents', { ...o, query });

  return {
    call,

    // invitations
    createInvitation: (body: CreateInvitationInput, o: RequestOptions = {}): Promise<Invitation> => get('createInvitation', { ...o, body }),
    listInvitations: (query?: Paged<InvitationFilter>, o?: RequestOptions): Promise<Page<Invitation>> => listInvitations(query, o),
    /** Every invitation (newest first), page after page. */
    invitations: (filter: InvitationFilter = {}, o: RequestOptions = {}): AsyncGenerator<Invitation, void, undefined> =>
      paginate((continuationToken) => listInvitations({ ...filter, continuationToken }, o)),
    getInvitation: (id: string, o: RequestOptions = {}): Promise<Invitation> => get('getInvitation', { ...o, params: { id } }),
    /** Sends the draft, or the partner's edited `subject`/`text`/`html` (each must still contain the invitation URL). */
    sendInvitation: (id: string, draft: SendInvitationInput = {}, o: RequestOptions = {}): Promise<Invitation> =>
      get('sendInvitation', { ...o, params: { id }, body: draft }),
    revokeInvitation: (id: string, o: RequestOptions = {}): Promise<Invitation> => get('revokeInvitation', { ...o, params: { id } }),
    /** As the customer's GlobalAdmin. Browsers may do this only from the API's own origin (cross-site posts are 403). */
    acceptInvitation: (token: string, decision: 'accept' | 'decline' = 'accept', o: RequestOptions = {}): Promise<AcceptResult> =>
      get('acceptInvitation', { ...o, params: { token }, body: { decision } }),

    // relationships
    listRelationships: (query?: Paged<RelationshipFilter>, o?: RequestOptions): Promise<Page<Relationship>> => listRelationships(query, o),
    /** Every relationship (by company name), page after page. */
    relationships: (filter: RelationshipFilter = {}, o: RequestOptions = {}): AsyncGenerator<Relationship, void, undefined> =>
      paginate((continuationToken) => listRelationships({ ...filter, continuationToken }, o)),
    getRelationship: (customerId: string, o: RequestOptions = {}): Promise<Relationship> =>
      get('getRelationship', { ...o, params: { customerId } }),
    /** Revokes delegated admin; the customer is not notified. Pass `ifMatch: relationship.etag` to refuse (412) if it changed meanwhile. */
    removeRelationship: (customerId: string, body: RemoveRelationshipInput, o: RemoveOptions = {}): Promise<RemovalResult> =>
      get('removeRelationship', { ...o, params: { customerId }, body }),

    // delegated admin: the role catalogue, the partner's controls, the customer's side
    listRoles: (o: RequestOptions = {}) => get('listRoles', o),
    /** Switches auto-extension; `ifMatch: relationship.etag` refuses (412) if it changed meanwhile. */
    setDelegatedAdminAutoExtend: (customerId: string, autoExtend: boolean, o: RemoveOptions = {}): Promise<Relationship> =>
      get('setDelegatedAdminAutoExtend', { ...o, params: { customerId }, body: { autoExtend } }),
    /** Keeps fewer roles (no consent needed) and/or switches auto-extension; a role not held is 409 approval-required. */
    changeDelegatedAdmin: (customerId: string, body: DelegatedAdminChange, o: RemoveOptions = {}): Promise<Relationship> =>
      get('setDelegatedAdminAutoExtend', { ...o, params: { customerId }, body }),
    /** Asks the customer for other roles or a new duration: an access request (a pending one is superseded). */
    requestAccessChange: (customerId: string, body: AccessRequestInput = {}, o: RequestOptions = {}): Promise<AccessRequest> =>
      get('createChangeRequest', { ...o, params: { customerId }, body }),
    listAccessRequests: (
      customerId: string,
      query: { pageSize?: number; continuationToken?: string | undefined } = {},
      o: RequestOptions = {},
    ) => get('listChangeRequests', { ...o, params: { customerId }, query }),
    getAccessRequest: (customerId: string, id: string, o: RequestOptions = {}): Promise<AccessRequest> =>
      get('getChangeRequest', { ...o, params: { customerId, id } }),
    revokeAccessRequest: (customerId: string, id: string, o: RequestOptions = {}): Promise<AccessRequest> =>
      get('revokeChangeRequest', { ...o, params: { customerId, id } }),
    /** Sends the request's draft (or the edited one, the link kept) through Communication Services. */
    sendAccessRequest: (customerId: string, id: string, draft: SendInvitationInput = {}, o: RequestOptions = {}): Promise<AccessRequest> =>
      get('sendChangeRequest', { ...o, params: { customerId, id }, body: draft }),
    /** As the customer's GlobalAdmin: approves the added `roles` (default all) or declines. */
    answerAccessRequest: (
      token: string,
      decision: 'approve' | 'decline',
      roles?: string[],
      o: RequestOptions = {},
    ): Promise<AccessRequestAnswer> =>
      get('answerChangeRequest', { ...o, params: { token }, body: { decision, ...(roles ? { roles } : {}) } }),
    /** Ends delegated admin early; the relationship stays. */
    revokeDelegatedAdmin: (customerId: string, o: RemoveOptions = {}): Promise<Relationship> =>
      get('revokeDelegatedAdmin', { ...o, params: { customerId }, body: {} }),
    /** As the customer's GlobalAdmin: its partners and their roles. */
    listCustomerRelationships: (query: { pageSize?: number; continuationToken?: string | undefined } = {}, o: RequestOptions = {}) =>
      get('listCustomerRelationships', { ...o, query }),
    /** As the customer's GlobalAdmin: removes a partner's roles (the relationship stays). */
    customerRevokeDelegatedAdmin: (partnerId: string, o: RequestOptions = {}) =>
      get('customerRevokeDelegatedAdmin', { ...o, params: { partnerId }, body: {} }),

    // audit, profile, health
    listAuditEvents: (query?: Paged<AuditFilter>, o?: RequestOptions): Promise<Page<AuditEvent>> => listAuditEvents(query, o),
    /** Every audit event (newest first), page after page. */
    auditEvents: (filter: AuditFilter = {}, o: RequestOptions = {}): AsyncGenerator<AuditEvent, void, undefined> =>
      paginate((continuationToken) => listAuditEvents({ ...filter, continuationToken }, o)),
    getPartner: (o: RequestOptions = {}): Promise<Partner> => get('getPartner', o),
    getInsights: (o: RequestOptions = {}): Promise<Insights> => get('getInsights', o),

    // webhooks and events
    /** Registers or changes the webhook; the first registration (201) carries `secret`, shown only then. */
    putWebhook: (body: WebhookInput, o: RequestOptions = {}): Promise<Webhook | WebhookCreated> => get('putWebhook', { ...o, body }),
    getWebhook: (o: RequestOptions = {}): Promise<Webhook> => get('getWebhook', o),
    deleteWebhook: async (o: RequestOptions = {}): Promise<void> => void (await call('deleteWebhook', o)),
    /** A new secret (shown only now); the old one keeps signing for 24 h. */
    rotateWebhookSecret: (o: RequestOptions = {}) => get('rotateWebhookSecret', o),
    /** Commits a `test.created` event and delivers it; resolves with its id. */
    testWebhook: (o: RequestOptions = {}) => get('testWebhook', o),
    listDeliveries: (query?: Paged<DeliveryFilter>, o?: RequestOptions): Promise<Page<Delivery>> => listDeliveries(query, o),
    redeliver: async (eventId: string, o: RequestOptions = {}): Promise<void> =>
      void (await call('redeliver', { ...o, params: { eventId } })),
    listEvents: (query?: Paged<EventFilter>, o?: RequestOptions): Promise<Page<CloudEvent>> => listEvents(query, o),
    /** Every event after `after` (oldest first), page after page: what a receiver reconciles from. */
    events: (filter: EventFilter = {}, o: RequestOptions = {}): AsyncGenerator<CloudEvent, void, undefined> =>
      paginate((continuationToken) => listEvents({ ...filter, continuationToken }, o)),
    /** `{ status: 'ok' }`, or `{ status: 'unavailable' }` (a 503) when storage does not answer. */
    health: (o: RequestOptions = {}): Promise<Health> => get('health', o),
  };
}

export type Client = ReturnType<typeof createClient>;
