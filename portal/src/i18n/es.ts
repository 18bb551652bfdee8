/**
 * Textos en español del portal de partners. Traductores: mantengan cada {marcador} tal cual (el
 * código lo rellena) y los nombres marcados "exacto" (las pruebas y Partner Center los usan).
 */
import type { Catalogue } from './en';

export const es: Catalogue = {
  lang: 'es',
  app: {
    title: 'Portal de partners',
    skip: 'Ir al contenido',
    nav: 'Principal',
    switchTo: 'English',
    switchToLang: 'en',
    signIn: 'Iniciar sesión', // exacto
    signOut: 'Cerrar sesión',
    signedInAs: 'Sesión iniciada como {name}',
    loading: 'Cargando…',
    unreachable: 'No se puede conectar con el servicio. Compruebe la conexión y vuelva a intentarlo.',
    unexpected: 'Se ha producido un error: {message}',
    requestId: 'Id. de solicitud para soporte: {id}',
    notSignedInTitle: 'Inicie sesión en el portal de partners',
    notSignedIn: 'Inicie sesión con su cuenta profesional para administrar sus clientes.',
    noAccessTitle: 'No puede usar el portal de partners',
    noAccess:
      'Solo un administrador global o un agente administrador de una organización partner inscrita puede usar el portal. Pida acceso al administrador global de su organización.',
    notFound: 'Esta página no existe.',
    backToCustomers: 'Volver a Clientes',
  },
  nav: {
    customers: 'Clientes', // exacto
    invitations: 'Invitaciones', // exacto
    request: 'Solicitar una relación de revendedor', // exacto
    newRelationship: 'Nueva relación', // exacto
    webhooks: 'Webhooks',
  },
  customers: {
    title: 'Clientes',
    search: 'Buscar clientes',
    status: 'Estado',
    active: 'Activos',
    removed: 'Quitados',
    company: 'Empresa',
    domain: 'Dominio',
    role: 'Relación',
    established: 'Establecida',
    removedAt: 'Quitada',
    empty: 'Todavía no hay clientes. Invite a uno con «Nueva relación» o «Solicitar una relación de revendedor».',
    emptySearch: 'Ningún cliente coincide con «{q}».',
    emptyRemoved: 'No hay clientes quitados.',
    next: 'Página siguiente',
    previous: 'Página anterior',
    page: 'Página {n}',
    removedNotice: 'Se ha quitado {company}. {notice}',
  },
  roles: {
    reseller: 'Revendedor',
    indirectProvider: 'Proveedor indirecto',
  },
  customer: {
    tabs: 'Cliente',
    details: 'Detalles',
    activity: 'Actividad',
    account: 'Cuenta', // exacto
    tenantId: 'Id. de inquilino',
    company: 'Nombre de la empresa',
    domain: 'Dominio',
    relationship: 'Relación',
    status: 'Estado',
    established: 'Establecida',
    removedAt: 'Quitada',
    removedBy: 'Quitada por',
    provider: 'Proveedor indirecto',
    reseller: 'Revendedor',
    delegatedAdmin: 'Privilegios de administrador delegado',
    daStatus: 'Estado',
    daRoles: 'Roles',
    daGranted: 'Concedidos',
    daEnds: 'Terminan',
    daAutoExtend: 'Se amplían automáticamente',
    daRevoked: 'Revocados',
    yes: 'Sí',
    no: 'No',
    granted: 'Concedidos',
    revoked: 'Revocados',
    expired: 'Caducados',
    activityEmpty: 'No hay actividad registrada.',
    when: 'Cuándo',
    who: 'Quién',
    what: 'Qué',
    accountIntro:
      'Al quitar la relación se revocan sus privilegios de administrador delegado para este cliente y el cliente desaparece de su lista. No se avisa al cliente.',
    remove: 'Quitar relación de cliente', // exacto
    alreadyRemoved: 'Esta relación se ha quitado.',
  },
  removal: {
    title: 'Quitar relación de cliente',
    statementIntro: 'Para quitar la relación, debe dar fe de la siguiente declaración:',
    statement:
      'Declaro que la decisión de quitar la relación de revendedor se ha tomado de buena fe, con un propósito comercial legítimo y de acuerdo con nuestro contrato con el cliente.',
    confirm: 'Confirmo la declaración anterior.', // exacto: empieza por "Confirmo"
    confirmRequired: 'Marque la casilla para confirmar la declaración.',
    reason: 'Motivo (opcional)',
    reasonHint: 'Para sus registros; 500 caracteres como máximo. No se envía al cliente.',
    remove: 'Quitar', // exacto
    cancel: 'Cancelar',
    removing: 'Quitando…',
  },
  access: {
    title: 'Cambiar acceso',
    change: 'Cambiar acceso',
    reduce: 'Quitar roles',
    endingSoon:
      'La administración delegada termina dentro de {days} días ({date}) y no se prorroga sola. Pide más tiempo al cliente con Cambiar acceso.',
    requestStatus: 'Solicitud de acceso: {status}',
    added: 'Roles añadidos',
    removed: 'Roles que se quitan',
    approved: 'Roles aprobados',
    none: 'Ninguno',
    duration: 'Duración',
    days: '{days} días desde la aprobación',
    link: 'Enlace de la solicitud',
    revoke: 'Revocar',
    revoked: 'Se ha revocado la solicitud: su enlace ya no funciona.',
    asked: 'Solicitud de acceso creada: envía su borrador al cliente o cópialo.',
    reduced: 'Roles quitados. No hacía falta la aprobación del cliente.',
    changeIntro:
      'Elige los roles y la duración que pides a {company}. El cliente aprueba cada rol añadido, o rechaza; los roles que no elijas terminan cuando apruebe. Una solicitud pendiente se sustituye.',
    pickRole: 'Elige al menos un rol.',
    durationHint: 'Días desde la aprobación del cliente, de 1 a 730.',
    ask: 'Pedir al cliente',
    reduceIntro:
      'Desmarca los roles a los que renuncias. Quitar roles no necesita la aprobación del cliente; para añadir uno, usa Cambiar acceso.',
    keep: 'Roles que conservas',
    reduceSubmit: 'Quitar roles',
  },
  accessStatus: {
    pending: 'esperando al cliente',
    approved: 'aprobada',
    declined: 'rechazada',
    superseded: 'sustituida por otra más reciente',
    revoked: 'revocada',
    expired: 'caducada',
  },
  audit: {
    'invitation.created': 'Invitación creada',
    'invitation.sent': 'Invitación enviada',
    'invitation.revoked': 'Invitación revocada',
    'invitation.accepted': 'Invitación aceptada',
    'invitation.declined': 'Invitación rechazada',
    'invitation.expired': 'Invitación caducada',
    'relationship.established': 'Relación establecida',
    'relationship.removed': 'Relación quitada',
    'delegatedAdmin.changeRequested': 'Cambio de acceso solicitado',
    'delegatedAdmin.changeSent': 'Solicitud de acceso enviada',
    'delegatedAdmin.changeApproved': 'Cambio de acceso aprobado',
    'delegatedAdmin.changeDeclined': 'Cambio de acceso rechazado',
    'delegatedAdmin.changeRevoked': 'Solicitud de acceso revocada',
    'delegatedAdmin.rolesReduced': 'Roles quitados',
  },
  invite: {
    requestTitle: 'Solicitar una relación de revendedor',
    requestIntro:
      'Para un cliente que ya tiene un inquilino de Microsoft Entra: indique su Id. de inquilino o su dominio, y solo ese inquilino podrá aceptar la invitación.',
    newTitle: 'Nueva relación',
    newIntro: 'Para un cliente nuevo. Elija su proveedor indirecto para pedir al cliente que los acepte a los dos a la vez.',
    companyName: 'Nombre de la empresa', // exacto
    domain: 'Dominio', // exacto
    email: 'Correo electrónico', // exacto
    emailHint: 'El administrador global del cliente, que recibe la invitación.',
    tenantId: 'Id. de inquilino', // exacto
    tenantIdHint: 'Un UUID, como 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e.',
    needTenantOrDomain: 'Indique el Id. de inquilino o el dominio del cliente existente.',
    provider: 'Proveedor indirecto', // exacto
    noProvider: 'Ninguno (solo relación de revendedor)',
    language: 'Idioma', // exacto
    languageHint: 'El idioma del correo y de la página del cliente.',
    english: 'Inglés',
    spanish: 'Español',
    access: 'Roles de administrador delegado',
    accessHint: 'Pida solo los roles que necesite (privilegios mínimos).',
    privileged: 'con privilegios',
    duration: 'Duración (días)',
    durationHint: 'De 1 a 730 días.',
    autoExtend: 'Ampliar automáticamente 180 días al terminar',
    submit: 'Crear invitación', // exacto
    creating: 'Creando…',
    required: 'Obligatorio.',
    notReseller: 'Solo los revendedores pueden invitar a clientes.',
  },
  draft: {
    title: 'Revisar la invitación',
    intro: 'Revise y modifique el correo; después cópielo, ábralo en su aplicación de correo o envíelo. Mantenga el vínculo en el mensaje.',
    to: 'Para',
    subject: 'Asunto', // exacto
    message: 'Mensaje', // exacto
    link: 'Vínculo de la invitación',
    expires: 'El vínculo caduca el {date}.',
    linkMissing: 'El mensaje debe contener exactamente el vínculo de la invitación: {url}',
    insertLink: 'Volver a añadir el vínculo',
    copy: 'Copiar al portapapeles', // exacto
    copied: 'Se ha copiado el mensaje al portapapeles.',
    copyFailed: 'El explorador no ha permitido copiar. Seleccione el mensaje y cópielo usted.',
    openEmail: 'Abrir en el correo electrónico', // exacto
    send: 'Enviar', // exacto
    sending: 'Enviando…',
    sent: 'Se ha enviado la invitación a {to}.',
    done: 'Listo', // exacto
    notPending: 'Esta invitación está {status}: no hay borrador que revisar.',
  },
  invitations: {
    title: 'Invitaciones',
    status: 'Estado',
    all: 'Todas',
    customer: 'Cliente',
    expires: 'Caduca',
    email: 'Correo',
    actions: 'Acciones',
    copyLink: 'Copiar vínculo',
    linkCopied: 'Se ha copiado el vínculo para {company}.',
    revoke: 'Revocar', // exacto
    revoked: 'Se ha revocado la invitación para {company}.',
    review: 'Revisar borrador',
    empty: 'No hay invitaciones.',
    more: 'Mostrar más',
    kindCombined: 'con {provider}',
  },
  webhooks: {
    title: 'Webhooks',
    intro:
      'Tus sistemas pueden recibir cada cambio como un evento firmado (CloudEvents, firmado como lo hace Standard Webhooks). Un registro por partner.',
    none: 'Aún no hay ningún webhook registrado.',
    url: 'URL del webhook',
    urlHint: 'Una dirección https de tu sistema que responda 2xx enseguida.',
    events: 'Eventos',
    allEvents: 'Todos los eventos',
    enabled: 'Entregar eventos',
    save: 'Guardar webhook',
    saved: 'Se ha guardado el webhook.',
    secretTitle: 'Tu secreto de firma',
    secretOnce: 'Cópialo ahora: solo se muestra esta vez. Úsalo para comprobar la cabecera webhook-signature de cada entrega.',
    copySecret: 'Copiar secreto',
    secretCopied: 'Se ha copiado el secreto.',
    rotate: 'Cambiar el secreto',
    rotated: 'Se ha creado un secreto nuevo; el anterior sigue firmando 24 horas, hasta el {date}.',
    test: 'Enviar un evento de prueba',
    tested: 'Se ha enviado un evento de prueba ({id}).',
    remove: 'Quitar el webhook',
    removed: 'Se ha quitado el webhook; ya no se entregan eventos.',
    deliveries: 'Entregas',
    noDeliveries: 'Aún no hay entregas.',
    attempts: 'Intentos',
    lastAnswer: 'Última respuesta',
    delivered: 'Entregado',
    next: 'Próximo intento',
    redeliver: 'Volver a entregar',
    redelivering: 'El evento {id} se entregará de nuevo.',
    refresh: 'Actualizar',
    more: 'Mostrar más',
    health: 'Estado del punto de conexión',
    failures: '{n} intentos fallidos seguidos desde el {date}.',
    failingHint: 'Las entregas se espacian y se prueban de una en una. Una entrega correcta o un evento de prueba cierra el circuito.',
    disabledHint:
      'Tu punto de conexión ha fallado durante días, así que las entregas quedan retenidas (no se pierde ninguna; el feed de eventos los tiene todos). Envía un evento de prueba, o guarda con «Entregar eventos» activado, para volver a habilitarlo.',
  },
  webhookHealth: {
    healthy: 'Correcto',
    failing: 'Con errores',
    disabled: 'Deshabilitado',
  },
  deliveryStatus: {
    pending: 'Pendiente',
    delivered: 'Entregado',
    failed: 'Fallido',
  },
  invitationStatus: {
    pending: 'Pendiente',
    accepted: 'Aceptada',
    declined: 'Rechazada',
    revoked: 'Revocada',
    expired: 'Caducada',
  },
  emailStatus: {
    notSent: 'No enviada',
    sent: 'Enviada el {date}',
    failed: 'Error: {error}',
  },
};
