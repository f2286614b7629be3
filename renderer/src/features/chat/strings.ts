// Chat view strings (namespace "chat"): English and Brazilian Portuguese.
export const chatStrings = {
  en: { title: 'Chat' },
  'pt-BR': { title: 'Conversa' },
} as const;
