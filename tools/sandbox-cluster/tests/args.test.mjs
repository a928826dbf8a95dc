import { parseCommandLine, UsageError } from '../src/args.mjs';
import { MAX_NODES } from '../src/layout.mjs';

describe('parseCommandLine', () => {
  it('reads load-image refs given repeatedly or comma-separated', () => {
    const options = parseCommandLine(['load-image', '--image=todo-app/backend:abc', '--image', 'a:1, b:2']);
    expect(options.images).toEqual(['todo-app/backend:abc', 'a:1', 'b:2']);
  });

  it('rejects load-image without an image and says how to pass one', () => {
    expect(() => parseCommandLine(['load-image'])).toThrow(/--image=<ref>/);
    expect(() => parseCommandLine(['load-image', '--image='])).toThrow(UsageError);
  });

  it('rejects an unknown command and a missing one', () => {
    expect(() => parseCommandLine(['start'])).toThrow(/unknown command "start"/);
    expect(() => parseCommandLine([])).toThrow(/got none/);
  });

  it('rejects --image on commands other than load-image', () => {
    expect(() => parseCommandLine(['up', '--image=x:1'])).toThrow(/only applies to load-image/);
  });

  it('defaults the wait timeout to 180 seconds and validates a given one', () => {
    expect(parseCommandLine(['up']).timeoutMs).toBe(180_000);
    expect(parseCommandLine(['up', '--timeout=30']).timeoutMs).toBe(30_000);
    expect(() => parseCommandLine(['up', '--timeout=soon'])).toThrow(/positive number of seconds/);
  });

  it('starts one node unless --nodes says how many, from 1 to MAX_NODES, and only for up', () => {
    expect(parseCommandLine(['up']).nodes).toBe(1);
    expect(parseCommandLine(['up', '--nodes=2']).nodes).toBe(2);
    expect(parseCommandLine(['up', `--nodes=${MAX_NODES}`]).nodes).toBe(MAX_NODES);
    for (const bad of ['0', String(MAX_NODES + 1), '1.5', 'two']) expect(() => parseCommandLine(['up', `--nodes=${bad}`])).toThrow(/--nodes must be a whole number from 1/);
    expect(() => parseCommandLine(['status', '--nodes=2'])).toThrow(/--nodes only applies to up/);
  });

  it('rejects unknown options', () => {
    expect(() => parseCommandLine(['up', '--force'])).toThrow(UsageError);
  });
});
