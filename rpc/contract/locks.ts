// Contract of the locks plane.
import { defineMethods } from './define.js';

export const locksMethods = defineMethods({});
