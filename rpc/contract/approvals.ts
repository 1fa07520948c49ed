// Contract of the approvals and handoffs plane.
import { defineMethods } from './define.js';

export const approvalsMethods = defineMethods({});
