// SQL for messages.
import type { Db } from './open.js';

export class MessageRepo {
  constructor(private readonly db: Db) {}
}
