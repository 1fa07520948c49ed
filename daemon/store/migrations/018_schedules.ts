// Migration 18: schedules and their run log (one run per schedule and due time, which is what makes a run happen once);
// agent turns gain the `schedule` source and the isolated flag (a scheduled turn in a fresh session). SQLite cannot
// widen a CHECK in place, so agent_turns is rebuilt, its numbering carried over so no turn id is reused.
export default {
  version: 18,
  name: 'schedules',
  sql: `
    CREATE TABLE schedules (
      schedule_no    INTEGER PRIMARY KEY AUTOINCREMENT,
      name           TEXT NOT NULL UNIQUE,
      project_id     TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      created_by     TEXT NOT NULL,
      when_spec      TEXT NOT NULL,
      action         TEXT NOT NULL,
      catch_up       TEXT NOT NULL CHECK (catch_up IN ('once', 'skip')),
      jitter_seconds INTEGER NOT NULL DEFAULT 0,
      lock_spec      TEXT,
      enabled        INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      next_due_ms    INTEGER,
      run_count      INTEGER NOT NULL DEFAULT 0,
      created_at     TEXT NOT NULL,
      updated_at     TEXT NOT NULL
    );
    CREATE INDEX schedules_due ON schedules(next_due_ms) WHERE enabled = 1 AND next_due_ms IS NOT NULL;
    CREATE INDEX schedules_by_project ON schedules(project_id);

    CREATE TABLE schedule_runs (
      run_no       INTEGER PRIMARY KEY AUTOINCREMENT,
      schedule_no  INTEGER NOT NULL REFERENCES schedules(schedule_no) ON DELETE CASCADE,
      n            INTEGER NOT NULL,
      due_ms       INTEGER NOT NULL,
      trigger      TEXT NOT NULL CHECK (trigger IN ('due', 'catch_up', 'fire')),
      status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'skipped', 'interrupted')),
      started_at   TEXT NOT NULL,
      finished_at  TEXT,
      output       TEXT,
      error        TEXT,
      turn_no      INTEGER,
      task_id      TEXT,
      message_id   TEXT,
      lease        TEXT,
      UNIQUE (schedule_no, due_ms)
    );
    CREATE INDEX schedule_runs_by_schedule ON schedule_runs(schedule_no, n);
    CREATE INDEX schedule_runs_running ON schedule_runs(status) WHERE status = 'running';

    CREATE TABLE agent_turns_v18 (
      turn_no       INTEGER PRIMARY KEY AUTOINCREMENT,
      agent_name    TEXT NOT NULL REFERENCES agents(agent_name) ON DELETE CASCADE,
      role          TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      text          TEXT NOT NULL,
      tool_uses     TEXT NOT NULL DEFAULT '[]',
      status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'error', 'interrupted', 'timed_out', 'cancelled')),
      usage         TEXT,
      cost_usd      REAL,
      error         TEXT,
      source        TEXT NOT NULL CHECK (source IN ('operator', 'message', 'schedule')),
      from_agent    TEXT,
      message_id    TEXT,
      hops          INTEGER NOT NULL DEFAULT 0,
      user_turn_no  INTEGER,
      attempts      INTEGER NOT NULL DEFAULT 0,
      created_at    TEXT NOT NULL,
      started_at    TEXT,
      finished_at   TEXT,
      isolated      INTEGER NOT NULL DEFAULT 0 CHECK (isolated IN (0, 1))
    );
    INSERT INTO agent_turns_v18 (turn_no, agent_name, role, text, tool_uses, status, usage, cost_usd, error, source, from_agent, message_id, hops, user_turn_no, attempts, created_at, started_at, finished_at)
      SELECT turn_no, agent_name, role, text, tool_uses, status, usage, cost_usd, error, source, from_agent, message_id, hops, user_turn_no, attempts, created_at, started_at, finished_at FROM agent_turns;
    INSERT INTO sqlite_sequence (name, seq) SELECT 'agent_turns_v18', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'agent_turns_v18');
    UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'agent_turns'), 0)) WHERE name = 'agent_turns_v18';
    DROP TABLE agent_turns;
    ALTER TABLE agent_turns_v18 RENAME TO agent_turns;
    CREATE INDEX agent_turns_by_agent ON agent_turns(agent_name, turn_no);
    CREATE INDEX agent_turns_open ON agent_turns(status, turn_no) WHERE status IN ('queued', 'running');
  `,
};
