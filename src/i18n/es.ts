/**
 * Textos en español del correo de invitación y de las páginas del cliente. Traductores: dejen
 * cada {marcador} tal cual; el código los rellena (y los escapa en HTML).
 */
import type { Texts } from './en';

export const es: Texts = {
  email: {
    subject: '{reseller} invita a {company} a una relación de revendedor',
    subjectWithProvider: '{reseller} y {provider} invitan a {company} a relaciones de revendedor',
    greeting: 'Hola:',
    intro:
      '{reseller} invita a {company} a una relación de revendedor, para poder venderle servicios en la nube de Microsoft y darle soporte.',
    introWithProvider:
      '{reseller} invita a {company} a una relación de revendedor consigo y con su proveedor indirecto, {provider}. Una sola aceptación crea ambas relaciones.',
    grants:
      'Al aceptar, {reseller} obtiene privilegios de administrador delegado en su inquilino de Microsoft Entra, para administrar sus servicios en su nombre.',
    grantsWithProvider:
      'Al aceptar, {reseller} y {provider} obtienen privilegios de administrador delegado en su inquilino de Microsoft Entra, para administrar sus servicios en su nombre.',
    action: 'Un administrador global de su organización debe abrir este enlace personal, iniciar sesión y aceptar:',
    expiry: 'El enlace es de un solo uso y caduca el {expiry}.',
    ignore: 'Si no esperaba esta invitación, puede ignorar este correo: nada cambia a menos que acepte.',
    signature: 'Atentamente,\n{reseller}',
    button: 'Revisar la invitación',
  },
  page: {
    lang: 'es',
    title: 'Invitación a una relación de revendedor',
    heading: '{reseller} invita a {company} a una relación de revendedor',
    headingWithProvider: '{reseller} y {provider} invitan a {company} a relaciones de revendedor',
    grants: 'Si acepta, {reseller} recibe privilegios de administrador delegado en su inquilino.',
    grantsWithProvider:
      'Si acepta, {reseller} y su proveedor indirecto {provider} reciben privilegios de administrador delegado en su inquilino.',
    expiry: 'Esta invitación caduca el {expiry}.',
    onlyGlobalAdmin: 'Solo un administrador global del inquilino del cliente puede aceptar o rechazar.',
    signInPrompt: 'Inicie sesión con su cuenta profesional para aceptar o rechazar.',
    signIn: 'Iniciar sesión',
    signedInAs: 'Sesión iniciada como {user} (inquilino {tenant}).',
    accept: 'Aceptar',
    decline: 'Rechazar',
    invalidTitle: 'Este enlace ya no es válido',
    invalidBody:
      'El enlace de invitación ha caducado, fue retirado, fue rechazado o no es un enlace válido. Pida a su partner una nueva invitación.',
    acceptedTitle: 'Esta invitación ya fue aceptada',
    acceptedBody: 'La relación de revendedor está establecida. No hay nada más que hacer.',
    acceptedDoneBody:
      'Gracias. {reseller} tiene ahora una relación de revendedor con {company} y privilegios de administrador delegado en su inquilino.',
    acceptedDoneBodyWithProvider:
      'Gracias. {reseller} y {provider} tienen ahora relaciones de revendedor con {company} y privilegios de administrador delegado en su inquilino.',
    endedBody:
      'Esta invitación fue aceptada, pero la relación de revendedor ya terminó: {reseller} ya no tiene privilegios de administrador delegado en su inquilino a través de ella. Para volver a trabajar con {reseller}, pídale una nueva invitación.',
    declinedTitle: 'Ha rechazado la invitación',
    declinedBody: 'No se ha concedido nada. {reseller} verá que la invitación fue rechazada.',
    errorTitle: 'No se pudo completar',
    errors: {
      unauthenticated: 'Inicie sesión primero, con una cuenta profesional de la organización invitada.',
      'role-required': 'Solo un administrador global del inquilino del cliente puede aceptar o rechazar una invitación.',
      'wrong-tenant': 'Esta invitación se envió a otra organización: inicie sesión con una cuenta del inquilino invitado.',
      'cross-site-request':
        'Esta respuesta no llegó desde la propia página de la invitación. Abra el enlace de la invitación y responda allí.',
      'invitation-already-accepted': 'Esta invitación ya fue aceptada; ya no puede rechazarse ni aceptarla otra organización.',
      'validation-failed': 'Elija Aceptar o Rechazar en la página de la invitación.',
    },
  },
};
