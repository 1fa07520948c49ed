// The Schedules pane (7): each schedule with its next run and last status, live from the schedule events; f fires the
// selected one, p pauses it and r resumes it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/daemon.js';
import { renderCockpit } from '../helpers/cockpit.js';
import { withDaemon } from '../helpers/with-daemon.js';

/** The Schedules line of a schedule. */
const rowOf = (frame: string, name: string) => frame.split('\n').find((line) => new RegExp(`[›║ ]${name} `).test(line)) ?? '';

describe('the Schedules pane', () => {
  const { daemon, client } = withDaemon();

  test('lists schedules with their next run and last status; f fires, p pauses, r resumes', async () => {
    await client.call('project.create', { project_id: 'ops', name: 'ops' });
    await client.call('schedule.create', { name: 'triage', project_id: 'ops', when: { cron: '0 9 * * 1-5', tz: 'Europe/Berlin' }, action: { task: { title_template: 'Triage {date}' } } });
    const ui = await renderCockpit(daemon, { columns: 120, rows: 30 });
    try {
      await ui.press('7');
      let frame = await ui.waitForFrame((f) => f.includes('7 Schedules') && rowOf(f, 'triage') !== '', 'the schedule listed');
      assert.match(rowOf(frame, 'triage'), /triage\s+\S+\s+-\s+task: Triage \{date\}/, 'name, next run, no run yet, what it does');

      await ui.press('f');
      frame = await ui.waitForFrame((f) => /triage.*✓ ok/.test(rowOf(f, 'triage')), 'the fired run ending ok');
      assert.match(frame, /triage: run 1 started/, 'the footer says what f did');
      const runs = (await client.call('schedule.runs', { name: 'triage' })).runs;
      assert.deepEqual(runs.map((r) => [r.trigger, r.status]), [['fire', 'ok']]);

      await ui.press('p');
      await ui.waitForFrame((f) => /triage\s+paused/.test(rowOf(f, 'triage')), 'paused');
      assert.equal((await client.call('schedule.get', { name: 'triage' })).enabled, false);
      await ui.press('r');
      await ui.waitForFrame((f) => !/paused/.test(rowOf(f, 'triage')) && f.includes('triage resumed'), 'resumed');
      await waitFor(async () => (await client.call('schedule.get', { name: 'triage' })).enabled, 5000, 'enabled again');

      await client.call('schedule.delete', { name: 'triage' });
      await ui.waitForFrame((f) => f.includes('no schedules'), 'a deleted schedule leaves the pane');
    } finally {
      await ui.close();
    }
  });
});
