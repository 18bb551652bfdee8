/**
 * Textos en español del correo de invitación y de las páginas del cliente, dirigidos al cliente
 * en segunda persona («tú», como en los productos de Microsoft). Traductores: dejen cada
 * {marcador} tal cual; el código los rellena (y los escapa en HTML).
 */
import type { Texts } from './en';

export const es: Texts = {
  email: {
    subject: '{reseller} invita a {company} a una relación de revendedor',
    subjectWithProvider: '{reseller} y {provider} invitan a {company} a relaciones de revendedor',
    greeting: 'Hola:',
    intro:
      '{reseller} invita a {company} a una relación de revendedor, para poder venderte servicios en la nube de Microsoft y darte soporte.',
    introWithProvider:
      '{reseller} invita a {company} a una relación de revendedor consigo y con su proveedor indirecto, {provider}. Una sola aceptación crea ambas relaciones.',
    grants:
      'Si aceptas, concedes a {reseller} privilegios de administrador delegado en tu inquilino de Microsoft Entra, limitados a estos roles, para que administre tus servicios en tu nombre:',
    grantsWithProvider:
      'Si aceptas, concedes a {reseller} y a {provider} privilegios de administrador delegado en tu inquilino de Microsoft Entra, limitados a estos roles, para que administren tus servicios en tu nombre:',
    duration: 'Estos roles duran {days} desde el día en que aceptes: como muy tarde, hasta el {endsAt}.',
    autoExtend: 'Al terminar se prorrogan 180 días cada vez, hasta que tú o tu partner los retiréis.',
    removeAnyTime: 'Puedes quitar estos roles en cualquier momento, en tu página de relaciones con partners: {customerUrl}',
    action: 'Un administrador global de tu organización debe abrir este enlace personal, iniciar sesión y aceptar:',
    expiry: 'El enlace es de un solo uso y caduca el {expiry}.',
    ignore: 'Si no esperabas esta invitación, puedes ignorar este correo: nada cambia a menos que aceptes.',
    signature: 'Atentamente,\n{reseller}',
    button: 'Revisar la invitación',
  },
  page: {
    lang: 'es',
    title: 'Invitación a una relación de revendedor',
    heading: '{reseller} invita a {company} a una relación de revendedor',
    headingWithProvider: '{reseller} y {provider} invitan a {company} a relaciones de revendedor',
    grants: 'Si aceptas, concedes a {reseller} privilegios de administrador delegado en tu inquilino, limitados a estos roles:',
    grantsWithProvider:
      'Si aceptas, concedes a {reseller} y a su proveedor indirecto {provider} privilegios de administrador delegado en tu inquilino, limitados a estos roles:',
    duration: 'Duran {days}: si aceptas ahora, hasta el {endsAt}.',
    autoExtend: 'Al terminar se prorrogan 180 días cada vez, hasta que tú o tu partner los retiréis.',
    removeAnyTime: 'Puedes quitar estos roles en cualquier momento en tu página de relaciones con partners.',
    customerPageLink: 'Tus relaciones con partners',
    expiry: 'Esta invitación caduca el {expiry}.',
    onlyGlobalAdmin: 'Solo un administrador global de tu organización puede aceptar o rechazar.',
    signInPrompt: 'Inicia sesión con tu cuenta profesional para aceptar o rechazar.',
    signIn: 'Iniciar sesión',
    signedInAs: 'Has iniciado sesión como {user} (inquilino {tenant}).',
    roleNeeded:
      'Para aceptar o rechazar necesitas el rol de administrador global en tu organización, y esta cuenta no lo tiene. Inicia sesión con una cuenta de administrador global.',
    wrongTenant:
      'Esta invitación se envió a otra organización (inquilino {tenant}): has iniciado sesión en otro inquilino. Inicia sesión con una cuenta de la organización invitada.',
    switchAccount: 'Cerrar sesión y usar otra cuenta',
    accept: 'Aceptar',
    decline: 'Rechazar',
    invalidTitle: 'Este enlace ya no es válido',
    invalidBody:
      'El enlace de invitación ha caducado, se retiró, se rechazó o no es un enlace válido. Pide a tu partner una nueva invitación.',
    acceptedTitle: 'La invitación ha sido aceptada',
    acceptedBody: 'La relación de revendedor está establecida. No tienes que hacer nada más.',
    acceptedDoneBody:
      'Gracias. {reseller} tiene ahora una relación de revendedor con {company} y los roles de administrador delegado que has aprobado en tu inquilino.',
    acceptedDoneBodyWithProvider:
      'Gracias. {reseller} y {provider} tienen ahora relaciones de revendedor con {company} y los roles de administrador delegado que has aprobado en tu inquilino.',
    endedBody:
      'Aceptaste esta invitación, pero la relación de revendedor ya terminó: {reseller} ya no tiene roles de administrador delegado en tu inquilino a través de ella. Para volver a trabajar con {reseller}, pídele una nueva invitación.',
    declinedTitle: 'Has rechazado la invitación',
    declinedBody: 'No has concedido nada. {reseller} verá que has rechazado la invitación.',
    errorTitle: 'No se pudo completar',
    errors: {
      unauthenticated: 'Inicia sesión primero, con una cuenta profesional de la organización invitada.',
      'role-required': 'Solo un administrador global de tu organización puede hacer esto.',
      'wrong-tenant': 'Esta invitación se envió a otra organización: inicia sesión con una cuenta del inquilino invitado.',
      'cross-site-request':
        'Esta respuesta no llegó desde la propia página de la invitación. Abre el enlace de la invitación y responde allí.',
      'invitation-already-accepted': 'Esta invitación ya se aceptó; ya no puede rechazarse ni aceptarla otra organización.',
      'validation-failed': 'Elige Aceptar o Rechazar en la página de la invitación.',
      'not-found': 'Este partner no tiene ninguna relación con tu organización.',
    },
  },
  customer: {
    title: 'Relaciones con partners',
    intro:
      'Estos partners tienen una relación con tu organización. Puedes quitar los roles de administrador delegado de un partner en cualquier momento; la relación de revendedor se mantiene.',
    none: 'Ningún partner tiene una relación con tu organización.',
    partner: 'Partner',
    kind: 'Tipo',
    reseller: 'Revendedor',
    indirectProvider: 'Proveedor indirecto',
    roles: 'Roles de administrador delegado',
    status: 'Estado',
    endsAt: 'Termina',
    granted: 'Activos',
    revoked: 'Quitados',
    expired: 'Caducados',
    autoExtends: 'se prorroga 180 días al terminar',
    removeRoles: 'Quitar roles',
    removed: 'Has quitado los roles de administrador delegado de {partner}. La relación de revendedor se mantiene.',
    signInPrompt: 'Inicia sesión con una cuenta de administrador global de tu organización para ver tus relaciones con partners.',
    roleNeeded:
      'Solo un administrador global de tu organización puede ver y cambiar las relaciones con partners, y esta cuenta no lo es. Inicia sesión con una cuenta de administrador global.',
    more: 'Más partners',
  },
  days: '{n} día|{n} días',
};
