// Contract of the tasks plane.
import { defineMethods } from './define.js';

export const tasksMethods = defineMethods({});
