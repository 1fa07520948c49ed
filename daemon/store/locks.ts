// SQL for locks.
import type { Db } from './open.js';

export class LockRepo {
  constructor(private readonly db: Db) {}
}
