import type { ErrorCode } from '../../preload/contract';

/** The HTTP status a contract error travels with; the body always carries the code itself. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'BAD_INPUT':
    case 'NEEDS_PASSWORD':
    case 'WRONG_PASSWORD':
    case 'DAMAGED_FILE':
    case 'NO_TEXT':
    case 'EMPTY_FILE':
    case 'UNSUPPORTED_TYPE':
    case 'BACKUP_INVALID':
      return 400;
    case 'UNAUTHORIZED':
    case 'PROVIDER_AUTH':
      return code === 'UNAUTHORIZED' ? 401 : 502;
    case 'PATH_NOT_ALLOWED':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'ALREADY_IN_LIBRARY':
      return 409;
    case 'TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'CANCELLED':
      return 499;
    case 'ENGINE_UNAVAILABLE':
    case 'DB_UNAVAILABLE':
    case 'DB_BUSY':
    case 'DB_CORRUPT':
    case 'DB_READONLY':
    case 'DB_FULL':
      return 503;
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_RATE_LIMITED':
      return 502;
    case 'RESTORE_FAILED':
    case 'INTERNAL':
      return 500;
  }
}
