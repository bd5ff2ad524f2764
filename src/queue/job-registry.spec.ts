import { defineQueue, type JobHandler } from './job-queue.js';
import { JobRegistry, JobSetupError } from './job-registry.js';

const settings = { dedupe: false, attempts: 1, retryDelaySeconds: 1, maxRetryDelaySeconds: 1, expireInSeconds: 60 };
const first = defineQueue<{ id: string }>('test.first', settings);
const second = defineQueue<{ id: string }>('test.second', settings);
const handler: JobHandler<{ id: string }> = { run: () => Promise.resolve(), onFailed: () => Promise.resolve() };

describe('JobRegistry', () => {
  it('is complete once every declared queue has its handler', () => {
    const registry = new JobRegistry();
    registry.declare([first, second]);
    registry.handle(first, handler);
    registry.handle(second, handler);
    registry.schedule(second, '* * * * *');
    expect(() => {
      registry.assertComplete();
    }).not.toThrow();
    expect(registry.all().map((declared) => [declared.queue.name, declared.recurrence])).toEqual([
      ['test.first', undefined],
      ['test.second', '* * * * *'],
    ]);
  });

  it('names every declared queue without a handler', () => {
    const registry = new JobRegistry();
    registry.declare([first, second]);
    expect(() => {
      registry.assertComplete();
    }).toThrow(new JobSetupError('Job queue "test.first", "test.second" is declared but has no handler'));
  });

  it('refuses a queue declared twice, a second handler, and a handler or schedule for an undeclared queue', () => {
    const registry = new JobRegistry();
    registry.declare([first]);
    expect(() => {
      registry.declare([first]);
    }).toThrow('Job queue "test.first" is declared twice');
    registry.handle(first, handler);
    expect(() => {
      registry.handle(first, handler);
    }).toThrow('Job queue "test.first" has two handlers');
    expect(() => {
      registry.handle(second, handler);
    }).toThrow('Job queue "test.second" has a handler but is not declared');
    expect(() => {
      registry.schedule(second, null);
    }).toThrow('Job queue "test.second" is scheduled but is not declared');
  });
});
