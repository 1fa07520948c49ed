// Migration 6: the task queue of each project, and the notes agents append to tasks.
export default {
  version: 6,
  name: 'tasks',
  sql: `
    CREATE TABLE tasks (
      task_no         INTEGER PRIMARY KEY AUTOINCREMENT,
      project_id      TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      title           TEXT NOT NULL,
      body            TEXT,
      priority        TEXT NOT NULL CHECK (priority IN ('p0', 'p1', 'p2', 'p3')),
      labels          TEXT NOT NULL DEFAULT '[]',
      status          TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'done', 'failed', 'cancelled')),
      created_by      TEXT NOT NULL,
      created_at      TEXT NOT NULL,
      updated_at      TEXT NOT NULL,
      claimed_by      TEXT,
      claimed_session TEXT,
      claimed_at      TEXT
    );
    -- The queue: open tasks of a project by priority, then age (task_no grows with every insert).
    CREATE INDEX tasks_queue ON tasks(project_id, status, priority, task_no);
    CREATE INDEX tasks_by_claimer ON tasks(project_id, claimed_by) WHERE status = 'claimed';
    CREATE INDEX tasks_by_session ON tasks(claimed_session) WHERE status = 'claimed';
    CREATE TABLE task_notes (
      note_no INTEGER PRIMARY KEY AUTOINCREMENT,
      task_no INTEGER NOT NULL REFERENCES tasks(task_no) ON DELETE CASCADE,
      author  TEXT NOT NULL,
      time    TEXT NOT NULL,
      text    TEXT NOT NULL
    );
    CREATE INDEX task_notes_by_task ON task_notes(task_no, note_no);
  `,
};
