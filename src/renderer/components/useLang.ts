import { useTill } from '../store';
import { t, errorWords, type WordKey } from '../i18n';
import { formatMoney } from '../../shared/money';

/** The translation function for the current language. */
export function useT() {
  const lang = useTill((s) => s.ui.lang);
  return {
    lang,
    t: (key: WordKey, vars?: Record<string, string>) => t(lang, key, vars),
    err: (code: string) => errorWords(lang, code),
    money: formatMoney,
  };
}
