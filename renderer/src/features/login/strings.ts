// Login page strings (namespace "login"), for the server mode with a password.
export const loginStrings = {
  en: {
    title: 'Log in to Agente BSC',
    intro: 'This Agente BSC server is shared. Enter the admin password set for it.',
    password: 'Password',
    submit: 'Log in',
    checking: 'Checking…',
    wrong: 'Wrong password.',
    tooMany: 'Too many attempts. Try again in {{seconds}} s.',
    unreachable: 'Cannot reach the server: {{message}}',
    failed: 'Login failed: {{message}}',
    logout: 'Log out',
  },
  'pt-BR': {
    title: 'Entrar no Agente BSC',
    intro: 'Este servidor do Agente BSC é compartilhado. Digite a senha de administrador definida para ele.',
    password: 'Senha',
    submit: 'Entrar',
    checking: 'Verificando…',
    wrong: 'Senha incorreta.',
    tooMany: 'Tentativas demais. Tente de novo em {{seconds}} s.',
    unreachable: 'Não foi possível falar com o servidor: {{message}}',
    failed: 'Falha ao entrar: {{message}}',
    logout: 'Sair',
  },
} as const;
