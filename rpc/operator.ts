// The human's name in every project, in a module of its own so faces that must load fast (the cockpit) need not load zod.
export const OPERATOR = 'operator';
