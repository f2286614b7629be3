import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  createChatScript,
  dropConnection,
  estimateTokens,
  planReply,
  recordChatRequest,
  streamPieces,
  waitUnlessClosed,
  type ChatRequestRecord,
  type ChatScript,
} from './anthropic-standin';
import type { OpenAIStandin, StandinRequest } from './openai-standin';

/**
 * Adds OpenAI's POST /v1/chat/completions to a running OpenAI stand-in: streamed (SSE `data:`
 * chunks with `choices[0].delta.content`, a final usage chunk when `stream_options.include_usage`,
 * then `data: [DONE]`) and non-streamed, scripted like the Anthropic stand-in. The stand-in's own
 * auth check, `failNext` and `delayMs` still apply before this route runs.
 */
export interface ChatCompletionsRoute {
  readonly script: ChatScript;
  /** Every request that reached the route, in arrival order. */
  readonly requests: ChatRequestRecord[];
  readonly calls: number;
}

export function addChatCompletionsRoute(standin: OpenAIStandin): ChatCompletionsRoute {
  const script = createChatScript();
  const requests: ChatRequestRecord[] = [];
  let calls = 0;

  standin.route('POST', '/v1/chat/completions', async (req: StandinRequest, res: ServerResponse) => {
    calls++;
    const invalid = validateChatBody(req.body);
    if (invalid) return { status: 400, body: openAIError(invalid.message, 'invalid_request_error', invalid.param) };
    const body = req.body as ChatBody;
    const promptText = body.messages.map((m) => m.content).join('\n');
    const { record, closed } = recordChatRequest(req.path, req.headers, res, body as unknown as Record<string, unknown>, promptText);
    requests.push(record);

    if (script.latencyMs > 0) await waitUnlessClosed(script.latencyMs, closed);
    if (closed.aborted || req.closed.aborted) return undefined;

    const step = script.next();
    if (step.kind === 'fail') {
      const headers: Record<string, string> = {};
      if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
      return { status: step.status, body: failureBody(step.status, step.message), headers };
    }

    const plan = planReply(step, record, body.max_completion_tokens ?? body.max_tokens);
    const cached = step.usage?.cacheReadTokens ?? 0;
    const promptTokens = (step.usage?.inputTokens ?? estimateTokens(promptText)) + cached;
    const completionTokens = step.usage?.outputTokens ?? estimateTokens(plan.text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const finishReason = plan.truncated ? 'length' : 'stop';
    const id = `chatcmpl-standin${randomBytes(10).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    const fingerprint = 'fp_standin';

    if (body.stream !== true) {
      if (plan.cut?.kind === 'drop') return void res.socket?.destroy();
      if (plan.cut?.kind === 'error') return { status: 500, body: failureBody(500) };
      return {
        status: 200,
        body: {
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          system_fingerprint: fingerprint,
          choices: [{ index: 0, message: { role: 'assistant', content: plan.text, refusal: null }, logprobs: null, finish_reason: finishReason }],
          usage,
        },
      };
    }

    const includeUsage = body.stream_options?.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: body.model,
          system_fingerprint: fingerprint,
          choices,
          ...(includeUsage ? { usage: null } : {}),
          ...extra,
        })}\n\n`,
      );
    chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
    const outcome = await streamPieces(plan, step.delayMs ?? 0, closed, (content) =>
      chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }]),
    );
    if (outcome === 'client-closed') return undefined;
    if (outcome === 'cut') {
      if (plan.cut?.kind === 'drop') return void dropConnection(res);
      // What OpenAI sends when a stream fails after it started: an error object in a data line.
      res.write(`data: ${JSON.stringify(failureBody(500))}\n\n`);
      return void res.end();
    }
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]);
    if (includeUsage) chunk([], { usage });
    res.end('data: [DONE]\n\n');
    return undefined;
  });

  return {
    script,
    requests,
    get calls() {
      return calls;
    },
  };
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: { type: string };
}

function validateChatBody(body: unknown): { message: string; param: string | null } | null {
  if (typeof body !== 'object' || body === null) return { message: 'The body of your request must be a JSON object.', param: null };
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'messages' };
  }
  for (const [i, m] of (b.messages as unknown[]).entries()) {
    const msg = m as Record<string, unknown>;
    if (!['system', 'developer', 'user', 'assistant'].includes(String(msg.role))) {
      return { message: `Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'assistant', 'user', 'developer'.`, param: `messages[${i}].role` };
    }
    if (typeof msg.content !== 'string') return { message: `Invalid type for 'messages[${i}].content'.`, param: `messages[${i}].content` };
  }
  if (b.stream_options !== undefined && b.stream !== true) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' };
  }
  if (b.max_tokens !== undefined && b.max_completion_tokens !== undefined) {
    return { message: "max_tokens and max_completion_tokens cannot both be set.", param: 'max_tokens' };
  }
  const format = b.response_format as { type?: unknown } | undefined;
  if (format !== undefined) {
    if (!['text', 'json_object', 'json_schema'].includes(String(format.type))) {
      return { message: `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`, param: 'response_format.type' };
    }
    // The real API insists on this, so an adapter that forgets to ask for JSON in words fails here too.
    if (format.type === 'json_object' && !(b.messages as { content: string }[]).some((m) => /json/i.test(m.content))) {
      return { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: 'messages' };
    }
  }
  return null;
}

function openAIError(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } };
}

function failureBody(status: number, message?: string) {
  if (status === 429) return openAIError(message ?? 'Rate limit reached for requests. Please try again in 1s.', 'requests', null, 'rate_limit_exceeded');
  if (status === 401) return openAIError(message ?? 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
  if (status >= 500) return openAIError(message ?? 'The server had an error while processing your request. Sorry about that!', 'server_error');
  return openAIError(message ?? `Scripted failure ${status}.`, 'invalid_request_error');
}
