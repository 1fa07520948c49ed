// Doctor: the Node.js running brains; brains needs 20 or later, and the even (long-term support) lines are the tested ones.
import { check, type Check } from './check.js';

const MINIMUM_MAJOR = 20;

export function nodeCheck(version: string = process.versions.node): Check {
  const major = Number(version.split('.')[0]);
  if (!Number.isInteger(major)) return check('node', 'version', 'warn', `node ${version}: not a version brains can read`, { fix: 'install Node.js 20, 22 or 24' });
  if (major < MINIMUM_MAJOR) {
    return check('node', 'version', 'problem', `node ${version} is too old: brains needs Node.js ${MINIMUM_MAJOR} or later`, { fix: 'install Node.js 20, 22 or 24 (nvm install 22), then npm rebuild in this checkout' });
  }
  if (major % 2 === 1) return check('node', 'version', 'info', `node ${version}: not a long-term support line (20, 22 and 24 are the ones brains is tested on)`);
  return check('node', 'version', 'ok', `node ${version}`);
}
