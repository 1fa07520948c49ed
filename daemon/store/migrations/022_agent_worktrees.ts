// Migration 22: a managed agent may have its own git worktree (agent.create worktree: true): where, on which branch, from which commit.
export default {
  version: 22,
  name: 'agent worktrees',
  sql: `
    ALTER TABLE agents ADD COLUMN worktree_path TEXT;
    ALTER TABLE agents ADD COLUMN worktree_branch TEXT;
    ALTER TABLE agents ADD COLUMN worktree_base TEXT;
    ALTER TABLE agents ADD COLUMN worktree_repository TEXT;
  `,
};
