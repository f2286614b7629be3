// Login page strings (namespace "login"), for the server mode with a password.
export const loginStrings = {
  en: {},
  'pt-BR': {},
} as const;
