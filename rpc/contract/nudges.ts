// Contract of the nudges plane: what an agent's hooks should tell it that it has not been told yet.
import { defineMethods } from './define.js';

export const nudgesMethods = defineMethods({});
