/**
 * Counted words in the texts of every language the service and the portal speak: a form is
 * `one|other` (`'{n} day|{n} days'`, `'{n} día|{n} días'`), chosen by the language's plural rules
 * (Intl.PluralRules: 1 is `one` in English and Spanish, 0 and 2 are `other`). A category a form
 * does not name (Spanish `many`, for millions) reads as `other`.
 */
const rules = new Map<string, Intl.PluralRules>();

/** `shown`: the number as the text shows it (formatted for the language, say), else as it is. */
export function counted(lang: string, n: number, forms: string, shown = String(n)): string {
  let r = rules.get(lang);
  if (!r) rules.set(lang, (r = new Intl.PluralRules(lang)));
  const [one = '', other = one] = forms.split('|');
  return (r.select(n) === 'one' ? one : other).replaceAll('{n}', shown);
}
