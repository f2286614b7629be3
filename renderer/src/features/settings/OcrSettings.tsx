// Settings → Import: OCR of scanned pages and images (on by default, Portuguese + English).
import { useTranslation } from 'react-i18next';
import type { Settings, SettingsPatch } from '../../../../preload/contract';

type OcrLanguage = Settings['ocr']['languages'][number];
const languages: OcrLanguage[] = ['por', 'eng'];

export function OcrSettings({ ocr, update }: { ocr: Settings['ocr']; update: (patch: SettingsPatch) => Promise<unknown> }) {
  const { t } = useTranslation();
  const toggle = (lang: OcrLanguage, on: boolean): void => {
    const next = on ? languages.filter((l) => l === lang || ocr.languages.includes(l)) : ocr.languages.filter((l) => l !== lang);
    // At least one language stays selected: turning OCR off is the switch above.
    if (next.length > 0) void update({ ocr: { languages: next } });
  };
  return (
    <fieldset data-testid="ocr-settings">
      <legend>{t('settings.ocr.legend')}</legend>
      <label>
        <input type="checkbox" data-testid="ocr-enabled" checked={ocr.enabled} onChange={(e) => void update({ ocr: { enabled: e.target.checked } })} />
        {t('settings.ocr.enabled')}
      </label>
      <p className="hint">{t('settings.ocr.hint')}</p>
      {languages.map((lang) => (
        <label key={lang}>
          <input
            type="checkbox"
            data-testid={`ocr-lang-${lang}`}
            disabled={!ocr.enabled || (ocr.languages.length === 1 && ocr.languages[0] === lang)}
            checked={ocr.languages.includes(lang)}
            onChange={(e) => toggle(lang, e.target.checked)}
          />
          {t(`settings.ocr.lang.${lang}`)}
        </label>
      ))}
    </fieldset>
  );
}
