// SQL for approvals and handoffs.
import type { Db } from './open.js';

export class ApprovalRepo {
  constructor(private readonly db: Db) {}
}
