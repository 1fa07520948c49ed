// SQL for tasks.
import type { Db } from './open.js';

export class TaskRepo {
  constructor(private readonly db: Db) {}
}
