// Why a turn ended, in each API's words: Anthropic's stop_reason and OpenAI's finish_reason mapped both ways.
import type { FinishReason } from '../ir.js';

const FROM_ANTHROPIC: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const TO_ANTHROPIC: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

export function finishFromAnthropic(stopReason: unknown): FinishReason {
  return (typeof stopReason === 'string' && FROM_ANTHROPIC[stopReason]) || 'stop';
}

export function anthropicStopReason(finish: FinishReason): string {
  return TO_ANTHROPIC[finish];
}

export function finishFromOpenAI(reason: unknown): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_calls';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}
