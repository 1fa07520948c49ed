// `brains send AGENT TEXT`: a message from the operator that expects a reply, in the one project AGENT is in (or --project).
import { EXIT } from './exit-codes.js';
import { withDaemon } from './daemon-call.js';
import { parseFlags, printUsageError } from './flags.js';
import { formatJson, outputMode } from './output.js';
import { readAllStdin } from '../../rpc/params.js';
import { NAME, projectOfAgent, shown } from './agent-target.js';

const OPERATOR = 'operator';

export async function sendCommand(argv: string[]): Promise<number> {
  const parsed = parseFlags('send', argv, { project: { type: 'string' }, json: { type: 'boolean' }, 'no-start': { type: 'boolean' } }, true);
  if (!parsed) return EXIT.USAGE;
  const { values, positionals } = parsed;
  if (values.help) return (await import('./help.js')).helpCommand(['send']);
  const [agent, ...words] = positionals;
  if (agent === undefined) return printUsageError('send', 'missing AGENT and TEXT: who to write to, and what');
  if (words.length === 0) return printUsageError('send', 'missing TEXT: the message to send (- reads it from stdin)');
  if (!NAME.test(agent)) return printUsageError('send', `AGENT is an agent name (letters, digits, _ or -), not ${JSON.stringify(shown(agent))}`);
  if (values.project !== undefined && !NAME.test(values.project)) {
    return printUsageError('send', `--project takes a project id (letters, digits, _ or -), not ${JSON.stringify(shown(values.project))}`);
  }
  if (agent === OPERATOR) return printUsageError('send', 'you are the operator; name an agent (brains inbox shows who wrote to you)');
  const text = words.length === 1 && words[0] === '-' ? (await readAllStdin()).replace(/\n$/, '') : words.join(' ');
  if (text.trim() === '') return printUsageError('send', 'TEXT is empty; say something');
  const json = values.json ?? false;

  return withDaemon('send', { noStart: values['no-start'] ?? false, json }, async (client) => {
    const project = await projectOfAgent(client, agent, values.project);
    const sent = await client.call('message.send', { project_id: project, from_agent: OPERATOR, to_agent: agent, reply_expected: true, payload: text });
    if (json) process.stdout.write(`${formatJson({ project_id: project, to_agent: agent, ...sent }, outputMode({}))}\n`);
    else process.stdout.write(`Sent to ${agent} in ${project} (${sent.message_id}), asking for a reply; replies arrive in brains inbox.\n`);
    return EXIT.OK;
  });
}
