/**
 * The renderer's Content-Security-Policy, the same in the desktop window and the browser mode:
 * only our own scripts, no inline script, no eval, no plugins, no framing, no remote content.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  // pdf.js renders PDFs in the renderer with a worker it may start from a blob: URL.
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
