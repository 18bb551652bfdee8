/**
 * The Microsoft Entra built-in roles a partner may ask for (granular delegated admin), with their
 * role template IDs as Microsoft publishes them ("Microsoft Entra built-in roles", permissions
 * reference), their names in English and Spanish, and whether Microsoft labels them privileged.
 * Domain data: the API serves it (GET /api/roles), invitations are validated against it, and the
 * customer's pages name the roles from it.
 */
import type { Locale } from './model';

export interface EntraRole {
  /** The role template ID (the same in every tenant). */
  id: string;
  name: Record<Locale, string>;
  /** Microsoft's PRIVILEGED label: the role can manage credentials, access or the whole tenant. */
  privileged: boolean;
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

export const ROLE_CATALOGUE: readonly EntraRole[] = [
  { id: DIRECTORY_READERS, name: { en: 'Directory Readers', es: 'Lectores de directorios' }, privileged: false },
  { id: GLOBAL_READER, name: { en: 'Global Reader', es: 'Lector global' }, privileged: false },
  {
    id: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
    name: { en: 'Helpdesk Administrator', es: 'Administrador del departamento de soporte técnico' },
    privileged: true,
  },
  { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: { en: 'User Administrator', es: 'Administrador de usuarios' }, privileged: true },
  {
    id: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
    name: { en: 'License Administrator', es: 'Administrador de licencias' },
    privileged: false,
  },
  {
    id: '29232cdf-9323-42fd-ade2-1d097af3e4de',
    name: { en: 'Exchange Administrator', es: 'Administrador de Exchange' },
    privileged: false,
  },
  {
    id: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
    name: { en: 'SharePoint Administrator', es: 'Administrador de SharePoint' },
    privileged: false,
  },
  { id: '69091246-20e8-4a56-aa4d-066075b2a7a8', name: { en: 'Teams Administrator', es: 'Administrador de Teams' }, privileged: false },
  { id: '5d6b6bb7-de71-4623-b4af-96380a352509', name: { en: 'Security Reader', es: 'Lector de seguridad' }, privileged: false },
  {
    id: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
    name: { en: 'Privileged Role Administrator', es: 'Administrador de roles con privilegios' },
    privileged: true,
  },
  { id: GLOBAL_ADMINISTRATOR, name: { en: 'Global Administrator', es: 'Administrador global' }, privileged: true },
];

const BY_ID = new Map(ROLE_CATALOGUE.map((r) => [r.id, r]));

export const roleById = (id: string): EntraRole | undefined => BY_ID.get(id.toLowerCase());

/** The role's name in `locale`; an ID the catalogue no longer holds is shown as it is. */
export const roleName = (id: string, locale: Locale): string => roleById(id)?.name[locale] ?? id;

/** What an invitation asks for when the partner does not say: reading only. */
export const DEFAULT_ROLES: readonly string[] = [DIRECTORY_READERS, GLOBAL_READER];
