// SQL for resources.
import type { Db } from './open.js';

export class ResourceRepo {
  constructor(private readonly db: Db) {}
}
