// The open conversation lives in the URL hash (#/chat/<id>), so a reload, the back button and
// a bookmark all reopen it.

const PREFIX = /^#\/?chat(?:\/(.*))?$/;

/** '#/chat/abc' → 'abc'; '#/chat' → null; a hash for another view → undefined. */
export function conversationIdFromHash(hash: string): string | null | undefined {
  const m = PREFIX.exec(hash);
  if (!m) return undefined;
  const raw = (m[1] ?? '').split(/[/?]/)[0] ?? '';
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null; // a mangled id opens no conversation rather than throwing
  }
}

export function hashForConversation(conversationId: string | null): string {
  return conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : '#/chat';
}
