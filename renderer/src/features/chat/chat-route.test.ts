import { describe, expect, it } from 'vitest';
import { conversationIdFromHash, hashForConversation } from './chat-route';

describe('chat hash route', () => {
  it('reads the conversation id, or none for the bare chat view', () => {
    expect(conversationIdFromHash('#/chat/3f2a-9b')).toBe('3f2a-9b');
    expect(conversationIdFromHash('#chat/x1')).toBe('x1');
    expect(conversationIdFromHash('#/chat')).toBeNull();
    expect(conversationIdFromHash('#/chat/')).toBeNull();
  });

  it('says "not mine" for other views', () => {
    expect(conversationIdFromHash('#/library')).toBeUndefined();
    expect(conversationIdFromHash('#/chatter')).toBeUndefined();
    expect(conversationIdFromHash('')).toBeUndefined();
  });

  it('round-trips ids with characters that need escaping, and survives a mangled one', () => {
    for (const id of ['abc', 'a b/c?d#e', 'conversação']) expect(conversationIdFromHash(hashForConversation(id))).toBe(id);
    expect(hashForConversation(null)).toBe('#/chat');
    expect(conversationIdFromHash('#/chat/%E0%A4%A')).toBeNull();
  });
});
