// Contract of the resources plane.
import { defineMethods } from './define.js';

export const resourcesMethods = defineMethods({});
