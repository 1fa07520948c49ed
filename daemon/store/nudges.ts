// SQL for hook reminders.
import type { Db } from './open.js';

export class NudgeRepo {
  constructor(readonly db: Db) {}
}
