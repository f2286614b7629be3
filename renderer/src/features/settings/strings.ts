// Settings panels' strings (namespace "settingsPanels"): providers, vector store, embedding cache.
export const settingsPanelStrings = {
  en: {},
  'pt-BR': {},
} as const;
