// Contract of the messages plane.
import { defineMethods } from './define.js';

export const messagesMethods = defineMethods({});
