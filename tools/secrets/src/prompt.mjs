// @ts-check
// Reads one line from the terminal without echoing it.
import { stdin, stdout } from 'node:process';

/**
 * @param {string} question
 * @returns {Promise<string>}
 */
export function promptHidden(question) {
  if (!stdin.isTTY) {
    return Promise.reject(new Error('--prompt needs a terminal; pass the values through environment variables with --from-env instead'));
  }
  return new Promise((resolve, reject) => {
    let answer = '';
    stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    /** @param {string} chunk */
    const onData = (chunk) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(answer);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\u007f') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write('\n');
    };
    stdin.on('data', onData);
  });
}
