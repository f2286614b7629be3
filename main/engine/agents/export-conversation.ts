import type { Answer, ChatMessage, Conversation } from '../../../preload/contract';
import { sourceLabel } from './sources';

/** A file name from a title: letters, digits and dashes, accents dropped. */
export function exportFilename(title: string, ext: 'md' | 'json'): string {
  const slug = title.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${slug || 'conversa'}.${ext}`;
}

function judgeLine(a: Answer): string | null {
  const j = a.judge;
  if (!j) return null;
  const pt = a.language === 'pt';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const head = pt ? 'Avaliação' : 'Judge';
  const names = pt ? ['completude', 'fundamentação', 'citações'] : ['completeness', 'grounding', 'citations'];
  return `**${head}** (${j.method}${j.refined ? (pt ? ', refinada' : ', refined') : ''}): ${j.verdict} — ${names[0]} ${pct(j.completeness)}, ${names[1]} ${pct(j.grounding)}, ${names[2]} ${pct(j.citationQuality)}`;
}

/** A conversation as Markdown: each question, its answer, the sources with pages, and the judge's scores. */
export function conversationToMarkdown(conversation: Conversation, messages: ChatMessage[]): string {
  const parts = [`# ${conversation.title}`, `_${conversation.createdAt}_`];
  for (const m of messages) {
    if (m.role === 'user') {
      parts.push(`## ${m.text.replace(/\n+/g, ' ')}`);
      continue;
    }
    const a = m.answer;
    const pt = (a?.language ?? 'pt') === 'pt';
    // The answer's own headings sit one level under the question's.
    parts.push(m.text ? m.text.replace(/^(#{1,5})(\s)/gm, '#$1$2') : pt ? '_(sem resposta)_' : '_(no answer)_');
    if (m.status !== 'complete') parts.push(pt ? `_Resposta ${m.status === 'partial' ? 'incompleta' : 'com falha'}${a?.error ? `: ${a.error.message}` : ''}._` : `_Answer ${m.status}${a?.error ? `: ${a.error.message}` : ''}._`);
    if (a?.sources.length) {
      parts.push(`**${pt ? 'Fontes' : 'Sources'}**\n\n${a.sources.map((s) => {
        // The excerpt the answer quotes (answers stored before excerpts: the start of the passage).
        const quoted = (s.excerpt ?? s.quote).replace(/[*`]+|__/g, '').replace(/\s+/g, ' ').trim();
        return `${s.n}. ${sourceLabel(s)} — “${quoted.slice(0, 300)}${quoted.length > 300 ? '…' : ''}”`;
      }).join('\n')}`);
    }
    const judge = a ? judgeLine(a) : null;
    if (judge) parts.push(judge);
    if (a?.cached) parts.push(pt ? `_Resposta do cache (${a.cached.at})._` : `_Cached answer (${a.cached.at})._`);
  }
  return `${parts.join('\n\n')}\n`;
}

export function exportConversation(conversation: Conversation, messages: ChatMessage[], format: 'markdown' | 'json'): { filename: string; mime: string; content: string } {
  if (format === 'json') {
    return { filename: exportFilename(conversation.title, 'json'), mime: 'application/json', content: `${JSON.stringify({ conversation, messages }, null, 2)}\n` };
  }
  return { filename: exportFilename(conversation.title, 'md'), mime: 'text/markdown', content: conversationToMarkdown(conversation, messages) };
}
