import { describe, expect, it } from 'vitest';
import { WorkerChannel, type WorkerReply } from './worker-channel.ts';

const echo = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m === 'bye') return process.exit(0);
  if (m.die) process.exit(3);
  if (m.fail) return parentPort.postMessage({ id: m.id, error: 'refused: ' + m.fail });
  setTimeout(() => parentPort.postMessage({ id: m.id, value: m.value * 2 }), m.delay || 0);
});`;

type Reply = WorkerReply & { value?: number };

describe('WorkerChannel', () => {
  it('matches answers to calls, passes errors through, and waits for what it holds when closed', async () => {
    const channel = WorkerChannel.start<Reply>(echo, 'echo worker', null)!;
    const slow = channel.call({ value: 1, delay: 50 });
    const fast = channel.call({ value: 2 });
    expect((await fast).value).toBe(4);
    expect(channel.pending).toBe(1);
    await expect(channel.call({ fail: 'no' })).rejects.toThrow('refused: no');
    const closing = channel.close('bye');
    await expect(channel.call({ value: 3 })).rejects.toThrow(/closed/);
    expect((await slow).value).toBe(2);
    await closing;
    expect(channel.alive).toBe(false);
  });

  it('fails the waiting calls and every later one when the worker dies', async () => {
    const channel = WorkerChannel.start<Reply>(echo, 'echo worker', null)!;
    const waiting = channel.call({ value: 1, delay: 1000 });
    await expect(channel.call({ die: true })).rejects.toThrow('the echo worker exited (code 3)');
    await expect(waiting).rejects.toThrow('exited');
    await expect(channel.call({ value: 2 })).rejects.toThrow('exited');
    expect(channel.alive).toBe(false);
  });
});
