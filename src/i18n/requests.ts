/**
 * Texts of an access request (a partner asks for other delegated admin roles or more time): its
 * email and its page, spoken to the customer, in English and Spanish; and of an invitation's reminder. Translators: keep every
 * {placeholder}. Placeholders: {partner} {company} {url} {expiry} {days} {endsAt} {currentEndsAt}
 * {customerUrl} {tenant}
 */
import type { Locale } from '../domain/model';

const en = {
  email: {
    subject: '{partner} asks {company} to change its delegated admin roles',
    greeting: 'Hello,',
    intro: '{partner} asks to change the delegated administrative roles it holds in your Microsoft Entra tenant:',
    added: 'Roles it asks for in addition:',
    removed: 'Roles it gives up:',
    kept: 'Roles it keeps:',
    duration: 'If you approve, its roles last {days} from the day you approve (until {endsAt} if you approve today).',
    autoExtend: 'At their end they are extended by 180 days at a time, until you or your partner end them.',
    choose: 'You can approve all the added roles, only some of them, or decline. Nothing changes unless you approve.',
    action: 'A global administrator of your organisation must open this personal link, sign in, and answer:',
    expiry: 'The link can be used once and expires on {expiry}.',
    removeAnyTime: 'You can remove these roles at any time, on your partner relationships page: {customerUrl}',
    signature: 'Kind regards,\n{partner}',
    button: 'Review the request',
  },
  page: {
    title: 'Request to change delegated admin roles',
    heading: '{partner} asks to change its delegated admin roles in {company}',
    intro: 'Choose which added roles to approve. Roles kept stay as they are; roles removed end when you approve.',
    added: 'Added roles',
    kept: 'Roles kept',
    removed: 'Roles removed',
    none: 'None',
    privileged: 'privileged',
    currentEnd: 'Current end date',
    newEnd: 'New end date if you approve now',
    noneHeld: 'none (the roles have expired)',
    autoExtend: 'The roles then extend by 180 days at a time, until you or your partner end them.',
    expiry: 'This request expires on {expiry}.',
    signInPrompt: 'Sign in with your work account to approve or decline.',
    onlyGlobalAdmin: 'Only a global administrator of your organisation can approve or decline.',
    roleNeeded:
      'To approve or decline you need the Global Administrator role in your organisation, and this account does not have it. Sign in with a global administrator account.',
    wrongTenant:
      'This request is for another organisation (tenant {tenant}): you are signed in to a different tenant. Sign in with an account of that organisation.',
    approve: 'Approve',
    decline: 'Decline',
    approvedTitle: 'You approved the request',
    approvedBody: '{partner} now holds these delegated admin roles in your tenant, until {endsAt}:',
    declinedTitle: 'You declined the request',
    declinedBody: 'Nothing changed: {partner} keeps the roles it had.',
    invalidBody: 'The request link has expired, was withdrawn or replaced by a newer request, or is not a valid link.',
    pending: 'Pending request to change roles',
    review: 'Review the request',
  },
  reminder: {
    subject: 'Reminder: {subject}',
    intro: 'A reminder: this invitation is still waiting for your answer, and its link ends on {expiry}.',
  },
};

export type RequestTexts = typeof en;

const es: RequestTexts = {
  email: {
    subject: '{partner} pide a {company} cambiar sus roles de administrador delegado',
    greeting: 'Hola:',
    intro: '{partner} pide cambiar los roles de administrador delegado que tiene en tu inquilino de Microsoft Entra:',
    added: 'Roles que pide además:',
    removed: 'Roles a los que renuncia:',
    kept: 'Roles que conserva:',
    duration: 'Si lo apruebas, sus roles duran {days} desde el día en que lo apruebes (hasta el {endsAt} si lo apruebas hoy).',
    autoExtend: 'Al terminar se prorrogan 180 días cada vez, hasta que tú o tu partner los retiréis.',
    choose: 'Puedes aprobar todos los roles añadidos, solo algunos, o rechazar la solicitud. Nada cambia a menos que la apruebes.',
    action: 'Un administrador global de tu organización debe abrir este enlace personal, iniciar sesión y responder:',
    expiry: 'El enlace es de un solo uso y caduca el {expiry}.',
    removeAnyTime: 'Puedes quitar estos roles en cualquier momento, en tu página de relaciones con partners: {customerUrl}',
    signature: 'Atentamente,\n{partner}',
    button: 'Revisar la solicitud',
  },
  page: {
    title: 'Solicitud de cambio de roles de administrador delegado',
    heading: '{partner} pide cambiar sus roles de administrador delegado en {company}',
    intro: 'Elige qué roles añadidos apruebas. Los roles que se conservan siguen igual; los que se quitan terminan al aprobar.',
    added: 'Roles añadidos',
    kept: 'Roles que se conservan',
    removed: 'Roles que se quitan',
    none: 'Ninguno',
    privileged: 'con privilegios',
    currentEnd: 'Fecha de fin actual',
    newEnd: 'Nueva fecha de fin si apruebas ahora',
    noneHeld: 'ninguna (los roles han caducado)',
    autoExtend: 'Después se prorrogan 180 días cada vez, hasta que tú o tu partner los retiréis.',
    expiry: 'Esta solicitud caduca el {expiry}.',
    signInPrompt: 'Inicia sesión con tu cuenta profesional para aprobar o rechazar.',
    onlyGlobalAdmin: 'Solo un administrador global de tu organización puede aprobar o rechazar.',
    roleNeeded:
      'Para aprobar o rechazar necesitas el rol de administrador global en tu organización, y esta cuenta no lo tiene. Inicia sesión con una cuenta de administrador global.',
    wrongTenant:
      'Esta solicitud es para otra organización (inquilino {tenant}): has iniciado sesión en otro inquilino. Inicia sesión con una cuenta de esa organización.',
    approve: 'Aprobar',
    decline: 'Rechazar',
    approvedTitle: 'Has aprobado la solicitud',
    approvedBody: '{partner} tiene ahora estos roles de administrador delegado en tu inquilino, hasta el {endsAt}:',
    declinedTitle: 'Has rechazado la solicitud',
    declinedBody: 'No ha cambiado nada: {partner} conserva los roles que tenía.',
    invalidBody: 'El enlace de la solicitud ha caducado, se ha retirado o sustituido por otra solicitud, o no es un enlace válido.',
    pending: 'Solicitud pendiente de cambio de roles',
    review: 'Revisar la solicitud',
  },
  reminder: {
    subject: 'Recordatorio: {subject}',
    intro: 'Un recordatorio: esta invitación sigue esperando tu respuesta, y su enlace caduca el {expiry}.',
  },
};

export const requestTexts: Record<Locale, RequestTexts> = { en, es };
