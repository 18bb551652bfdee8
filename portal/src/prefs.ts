/** The language the partner chose with the switch, kept in localStorage (when the browser allows it). */
import { pickLang, type Lang } from './i18n';

const STORAGE_KEY = 'portal.lang';

export function initialLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be off (private mode): the browser's languages decide.
  }
  return pickLang(navigator.languages ?? [navigator.language], saved);
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; the switch still works for this page.
  }
}
