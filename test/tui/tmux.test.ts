// End to end in a real terminal: `brains tui` inside a detached tmux session, driven by send-keys, read by capture-pane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CLI, envFor, startDaemon, tempHome, waitFor } from '../helpers/daemon.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

test('brains tui in tmux: approve with 5 then a, type to a managed agent and to an agent, resize, Esc q out of typing to quit and give the terminal back', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const daemon = await startDaemon();
  const server = `brains-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'cockpit');
  const waitForScreen = async (check: (s: string) => boolean, what: string) => {
    try {
      await waitFor(() => check(screen()), 15_000, what);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen was:\n${screen()}`);
    }
    return screen();
  };
  try {
    const c = await daemon.client();
    await c.call('project.create', { name: 'Tmux', agent_name: 'lead', working_directory: '/tmp' });
    await c.call('project.join', { project_id: 'tmux', agent_name: 'helper', working_directory: '/tmp' });
    const handoff = await c.call('handoff.submit', { project_id: 'tmux', agent_name: 'helper', title: 'Parser rewritten', summary: 'all green' });
    await c.call('agent.create', { agent_name: 'echoer', backend: 'echo', working_directory: '/tmp', project_id: 'tmux' });

    // CI=true on purpose: the cockpit must still draw on a real terminal (Ink would otherwise hold every frame).
    const env = `BRAINS_HOME='${daemon.home}' NO_COLOR=1 CI=true TERM=xterm-256color`;
    tmux('new-session', '-d', '-s', 'cockpit', '-x', '120', '-y', '32', `env ${env} '${process.execPath}' '${CLI}' tui --no-bell`);
    tmux('set-option', '-t', 'cockpit', 'remain-on-exit', 'on');
    let s = await waitForScreen((text) => text.includes('● live') && text.includes('Parser rewritten'), 'the cockpit with the pending handoff');
    assert.match(s, /⚑ 1 pending/);

    tmux('send-keys', '-t', 'cockpit', '5');
    await waitForScreen((text) => text.includes('[5 Approvals]'), 'the Approvals pane focused');
    tmux('send-keys', '-t', 'cockpit', 'a');
    await waitFor(async () => (await c.call('approval.get', { approval_id: handoff.approval_id })).status === 'approved', 15_000, 'the approval stored');
    await waitForScreen((text) => text.includes('⚑ 0 pending'), 'the header count going down');

    // A managed agent (the built-in echo backend): typed into, its answer streams back into the conversation.
    tmux('send-keys', '-t', 'cockpit', '1');
    await waitForScreen((text) => text.includes('[1 Sessions]') && /echoer .*idle/.test(text), 'the managed agent in Sessions, idle');
    tmux('send-keys', '-t', 'cockpit', '/', 'echoer', 'Enter');
    await waitForScreen((text) => text.includes('filter: echoer'), 'Sessions filtered to echoer');
    tmux('send-keys', '-t', 'cockpit', 'i');
    await waitForScreen((text) => text.includes('to echoer›') && text.includes('echoer in tmux · echo'), 'the input line for the managed agent');
    tmux('send-keys', '-t', 'cockpit', '-l', 'echo this back');
    tmux('send-keys', '-t', 'cockpit', 'Enter');
    await waitFor(
      async () => (await c.call('agent.history', { agent_name: 'echoer' })).turns.some((t) => t.role === 'assistant' && t.status === 'done' && t.text === 'echo this back'),
      15_000,
      'the turn answered',
    );
    await waitForScreen((text) => text.includes('you → echoer') && text.split('echo this back').length === 3 && text.includes('─ done'), 'what was typed and the answer');
    tmux('send-keys', '-t', 'cockpit', 'Escape');
    tmux('send-keys', '-t', 'cockpit', '1');
    await waitForScreen((text) => text.includes('[1 Sessions]'), 'Sessions focused again');
    tmux('send-keys', '-t', 'cockpit', 'Escape');
    await waitForScreen((text) => text.includes('helper'), 'the filter cleared');

    tmux('send-keys', '-t', 'cockpit', '1');
    await waitForScreen((text) => text.includes('[1 Sessions]'), 'Sessions focused');
    // i waits for the filtered list on screen: in the same write it would still see the row selected before (echoer).
    tmux('send-keys', '-t', 'cockpit', '/', 'helper', 'Enter');
    await waitForScreen((text) => text.includes('filter: helper') && !text.includes('to echoer›'), 'Sessions filtered to helper');
    tmux('send-keys', '-t', 'cockpit', 'i');
    await waitForScreen((text) => text.includes('to helper›'), 'the input line for helper');
    tmux('send-keys', '-t', 'cockpit', '-l', 'please rerun the suite');
    tmux('send-keys', '-t', 'cockpit', 'Enter');
    await waitFor(
      async () => (await c.call('message.list', { project_id: 'tmux', member: 'helper' })).messages.some((m) => m.from_agent === 'operator' && m.payload === 'please rerun the suite'),
      15_000,
      'the typed message stored',
    );
    s = await waitForScreen((text) => text.includes('please rerun the suite') && text.includes('✓ sent'), 'the message in the conversation');
    tmux('send-keys', '-t', 'cockpit', 'Escape');

    tmux('resize-window', '-t', 'cockpit', '-x', '80', '-y', '24');
    s = await waitForScreen((text) => text.trimEnd().split('\n').length <= 24 && !text.includes('6 Tasks') && text.includes('1 Sessions'), 'the layout for 80x24');
    for (const line of s.split('\n')) assert.ok([...line].length <= 80, `no line wider than the window: ${line}`);

    // Esc then q typed at once (one write: "\x1bq", meta+q to Ink) leaves the input line and quits; the q is not typed.
    tmux('send-keys', '-t', 'cockpit', 'i');
    await waitForScreen((text) => text.includes('to helper›'), 'the input line again');
    tmux('send-keys', '-t', 'cockpit', '-l', 'never sent');
    await waitForScreen((text) => text.includes('never sent'), 'the draft');
    tmux('send-keys', '-t', 'cockpit', 'Escape', 'q');
    const ending = () => tmux('display-message', '-p', '-t', 'cockpit', '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}').trim();
    await waitFor(() => ending().startsWith('1|'), 15_000, 'the cockpit to exit');
    // tmux 3.3 marks the pane dead before it records how the process ended, and sometimes never records it: judge the
    // status when it is there (a crash or a signal would show), and the screen and alternate-screen state always.
    await waitFor(() => ending() !== '1||', 2_000, 'the exit status').catch(() => {});
    assert.ok(['1|0|', '1||'].includes(ending()), `the cockpit exited cleanly, not with ${ending()}`);
    assert.equal(tmux('display-message', '-p', '-t', 'cockpit', '#{alternate_on}').trim(), '0', 'the alternate screen was left');
    assert.ok(!screen().includes('1 Sessions'), 'the cockpit is gone from the screen');
    const sent = (await c.call('message.list', { project_id: 'tmux', member: 'helper' })).messages.map((m) => m.payload);
    assert.ok(!sent.some((p) => typeof p === 'string' && p.startsWith('never sent')), 'the draft was never sent');
  } finally {
    spawnSync('tmux', ['-L', server, 'kill-server']);
    await daemon.cleanup();
  }
});

test('npm start on a state dir never used opens the cockpit with the demo running, and SIGTERM gives the terminal back', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  const home = tempHome();
  const server = `brains-start-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'start');
  try {
    const env = `BRAINS_HOME='${home}' BRAINS_MCP_PORT=off BRAINS_GATEWAY_PORT=off BRAINS_DEMO_INTERVAL_MS=300 NO_COLOR=1 TERM=xterm-256color`;
    tmux('new-session', '-d', '-s', 'start', '-x', '160', '-y', '32', `env ${env} '${process.execPath}' '${CLI}' start`);
    tmux('set-option', '-t', 'start', 'remain-on-exit', 'on');
    try {
      await waitFor(() => /demo started: planner, backend, frontend/.test(screen()) && screen().includes('● live'), 20_000, 'the cockpit with the demo banner');
      await waitFor(() => ['planner', 'backend', 'frontend'].every((name) => screen().includes(name)), 20_000, 'the demo agents in Sessions');
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen was:\n${screen()}`);
    }
    const pid = Number(tmux('display-message', '-p', '-t', 'start', '#{pane_pid}').trim());
    process.kill(pid, 'SIGTERM');
    await waitFor(() => tmux('display-message', '-p', '-t', 'start', '#{pane_dead}').trim() === '1', 15_000, 'the cockpit to exit on SIGTERM');
    assert.equal(tmux('display-message', '-p', '-t', 'start', '#{alternate_on}').trim(), '0', 'the alternate screen was left');
  } finally {
    spawnSync('tmux', ['-L', server, 'kill-server']);
    spawnSync(process.execPath, [CLI, 'demo', '--stop'], { env: envFor(home) });
    spawnSync(process.execPath, [CLI, 'down'], { env: envFor(home) });
    rmSync(home, { recursive: true, force: true });
  }
});
