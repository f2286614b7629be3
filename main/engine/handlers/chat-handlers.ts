import type { MethodHandlers } from '../dispatch';
import type { Engine } from '../engine';
import { notBuiltYet } from './not-built';

type ChatMethods = Extract<keyof MethodHandlers, `chat.${string}`>;

export function chatHandlers(_engine: Engine): Pick<MethodHandlers, ChatMethods> {
  return {
    'chat.ask': () => notBuiltYet('chat.ask'),
    'chat.cancel': () => notBuiltYet('chat.cancel'),
    'chat.conversations': () => notBuiltYet('chat.conversations'),
    'chat.conversation': () => notBuiltYet('chat.conversation'),
    'chat.rename': () => notBuiltYet('chat.rename'),
    'chat.delete': () => notBuiltYet('chat.delete'),
    'chat.export': () => notBuiltYet('chat.export'),
    'chat.source': () => notBuiltYet('chat.source'),
  };
}
