// What kind of prompt a brains/auto request is, by weighted scoring of features of its text: pure and deterministic, every weight in one table.
import { ROUTE_CLASSES, type RouteClass } from '../../rpc/gateway-config.js';
import type { ChatRequest } from './ir.js';

export interface Classification {
  class: RouteClass;
  scores: Record<RouteClass, number>;
  /** Each feature found, with what it added, then the verdict. */
  reasons: string[];
}

/** Keyword and pattern features look at this much of the text; length features see all of it. */
const SCAN_CHARS = 32_768;
/** Below this no class has a real signal, and the prompt counts as trivial. */
const MIN_SIGNAL = 1;
/** Ties go to the stronger class: a prompt wrongly sent to a strong tier costs money, one sent to a weak tier costs the answer. */
const TIE_ORDER: readonly RouteClass[] = ['architecture', 'research', 'code_fix', 'docs_lookup', 'trivial'];

interface Feature {
  /** How the reason names it. */
  name: string;
  /** How strongly the text has it: 0 (not at all), 1, or a count (capped) for keyword lists. */
  measure(text: string, chars: number): { value: number; seen: string | null };
  weights: Partial<Record<RouteClass, number>>;
}

function words(pattern: RegExp, cap = 3): Feature['measure'] {
  return (text) => {
    const found = new Set<string>();
    for (const match of text.matchAll(pattern)) {
      found.add(match[0].toLowerCase().replace(/\s+/g, ' '));
      if (found.size >= cap) break;
    }
    return { value: found.size, seen: found.size === 0 ? null : [...found].map((w) => JSON.stringify(w)).join(', ') };
  };
}

function has(pattern: RegExp): Feature['measure'] {
  return (text) => {
    const match = pattern.exec(text);
    return { value: match ? 1 : 0, seen: match ? JSON.stringify(match[0].trim().slice(0, 40)) : null };
  };
}

function length(test: (chars: number) => boolean, say: (chars: number) => string): Feature['measure'] {
  return (_text, chars) => (test(chars) ? { value: 1, seen: say(chars) } : { value: 0, seen: null });
}

/** The weights: one row per feature, what each adds to each class it speaks for. */
export const FEATURES: readonly Feature[] = [
  { name: 'short text', measure: length((n) => n < 120, (n) => `${n} chars`), weights: { trivial: 2 } },
  { name: 'long text', measure: length((n) => n >= 2_000, (n) => `${n} chars`), weights: { architecture: 1, research: 1 } },
  { name: 'very long text', measure: length((n) => n >= 8_000, (n) => `${n} chars`), weights: { architecture: 1, research: 1 } },
  { name: 'greeting or acknowledgement', measure: has(/^\s*(hi|hello|hey|thanks|thank you|ok|okay|yes|no|sure|great|cool|got it)\b/i), weights: { trivial: 3 } },
  { name: 'code blocks', measure: (text) => ({ value: Math.min(3, Math.floor((text.match(/```/g)?.length ?? 0) / 2)), seen: null }), weights: { code_fix: 2 } },
  {
    name: 'stack trace or error output',
    measure: has(/Traceback \(most recent call last\)|^\s+at \S+ \(?\S+:\d+(:\d+)?\)?$|\b[A-Z][A-Za-z]*(Error|Exception)\b:|panicked at|Segmentation fault|error\[E\d{4}\]/m),
    weights: { code_fix: 3 },
  },
  { name: 'source file paths', measure: words(/\b[\w./-]+\.(ts|tsx|js|jsx|mjs|py|go|rs|java|kt|c|cc|cpp|h|hpp|rb|php|cs|swift|sql|sh)\b/g, 2), weights: { code_fix: 1 } },
  {
    name: 'fix words',
    measure: words(/\b(fix(es|ed)?|bugs?|broken|fail(s|ing|ed)?|crash(es|ed)?|exceptions?|regressions?|debug|typo|doesn'?t work|not working|stack trace)\b/gi),
    weights: { code_fix: 2 },
  },
  { name: 'code words', measure: words(/\b(implement|refactor|functions?|methods?|compile[sd]?|unit tests?|lint|type errors?|rename|patch|diff|endpoints?)\b/gi), weights: { code_fix: 1 } },
  {
    name: 'design words',
    measure: words(/\b(architecture|architect|design|trade-?offs?|scalab(le|ility)|migrat(e|ion)|microservices?|monolith|data model|boundar(y|ies)|abstractions?|long-term|roadmap)\b/gi),
    weights: { architecture: 3 },
  },
  {
    name: 'research words',
    measure: words(/\b(research|compare|comparison|survey|investigate|evaluate|analy[sz]e|pros and cons|alternatives|benchmarks?|state of the art|literature|papers?)\b/gi),
    weights: { research: 3 },
  },
  {
    name: 'docs words',
    measure: words(/\b(docs|documentation|api reference|manual|man page|syntax|signature|flags?|options?|parameters?|example of|how (do i|to) (use|call|install|configure|set))\b/gi),
    weights: { docs_lookup: 3 },
  },
  { name: 'a question', measure: has(/^\s*(what|how|which|where|when|is|are|does|do|can)\b[^\n]*\?\s*$/i), weights: { docs_lookup: 1 } },
  { name: 'steps or a list', measure: has(/(^\s*\d+[.)]\s.*\n){3}|\bstep by step\b/im), weights: { architecture: 1, research: 1 } },
];

function points(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The class of a prompt, the score of every class, and why. */
export function classify(text: string): Classification {
  const scores = Object.fromEntries(ROUTE_CLASSES.map((c) => [c, 0])) as Record<RouteClass, number>;
  const reasons: string[] = [];
  const scanned = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  for (const feature of FEATURES) {
    const { value, seen } = feature.measure(scanned, text.length);
    if (value === 0) continue;
    const added: string[] = [];
    for (const [routeClass, weight] of Object.entries(feature.weights) as Array<[RouteClass, number]>) {
      scores[routeClass] += weight * value;
      added.push(`+${points(weight * value)} ${routeClass}`);
    }
    const count = value > 1 ? ` ×${value}` : '';
    reasons.push(`${feature.name}${count}${seen ? ` (${seen})` : ''}: ${added.join(', ')}`);
  }
  const ranked = [...TIE_ORDER].sort((a, b) => scores[b] - scores[a]);
  const top = ranked[0]!;
  if (scores[top] < MIN_SIGNAL) {
    reasons.push(`no class scored ${MIN_SIGNAL} or more: trivial`);
    return { class: 'trivial', scores, reasons };
  }
  const next = ranked[1]!;
  reasons.push(`class ${top} (${points(scores[top])}; next ${next} ${points(scores[next])})`);
  return { class: top, scores, reasons };
}

/** The text a request is classified by: the newest user turn that has text (an agent's last turn is often only tool results). */
export function latestUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i -= 1) {
    const message = req.messages[i]!;
    if (message.role !== 'user') continue;
    const text = message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
    if (text !== '') return text;
  }
  return '';
}
