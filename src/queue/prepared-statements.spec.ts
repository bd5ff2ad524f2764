import { PreparedStatements } from './prepared-statements.js';

describe('PreparedStatements', () => {
  const fetch = "SELECT id FROM pgboss.job_common WHERE name = 'anchor' AND state < 'active' LIMIT 1";

  it('names a text once it has been seen the given number of times, then keeps that name', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 3, maxPrepared: 10, maxTracked: 100 });
    expect(prepared.nameFor(fetch)).toBeUndefined();
    expect(prepared.nameFor(fetch)).toBeUndefined();
    const name = prepared.nameFor(fetch);
    expect(name).toMatch(/^pgboss_[0-9a-f]{24}$/);
    expect(prepared.nameFor(fetch)).toBe(name);
    expect(prepared.size).toBe(1);
  });

  it('gives different texts different names, and the same text the same name in another instance', () => {
    const one = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 10, maxTracked: 100 });
    const other = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 10, maxTracked: 100 });
    const second = fetch.replace("'anchor'", "'payout'");
    expect(one.nameFor(fetch)).not.toBe(one.nameFor(second));
    expect(other.nameFor(fetch)).toBe(one.nameFor(fetch));
  });

  it('never prepares a text with a semicolon (several statements cannot be prepared)', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 10, maxTracked: 100 });
    const batch = 'UPDATE pgboss.version SET cron_on = now(); SELECT 1';
    for (let i = 0; i < 5; i += 1) expect(prepared.nameFor(batch)).toBeUndefined();
  });

  it('prepares at most maxPrepared texts; later ones run unnamed', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 2, maxTracked: 100 });
    expect(prepared.nameFor('SELECT 1')).toBeDefined();
    expect(prepared.nameFor('SELECT 2')).toBeDefined();
    expect(prepared.nameFor('SELECT 3')).toBeUndefined();
    expect(prepared.nameFor('SELECT 1')).toBeDefined();
    expect(prepared.size).toBe(2);
  });

  it('keeps its tally of texts seen bounded, so texts seen once do not pile up', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 3, maxPrepared: 10, maxTracked: 3 });
    prepared.nameFor(fetch);
    prepared.nameFor(fetch);
    // Three one-off texts fill the tally, which is cleared when full: the fetch's count starts again.
    for (const id of ['a', 'b', 'c']) prepared.nameFor(`SELECT * FROM pgboss.job_common WHERE id = '${id}'`);
    expect(prepared.nameFor(fetch)).toBeUndefined();
    expect(prepared.nameFor(fetch)).toBeUndefined();
    expect(prepared.nameFor(fetch)).toBeDefined();
  });

  it('runs a text the server refused to run prepared unnamed from then on', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 10, maxTracked: 100 });
    expect(prepared.nameFor(fetch)).toBeDefined();
    prepared.refuse(fetch);
    for (let i = 0; i < 5; i += 1) expect(prepared.nameFor(fetch)).toBeUndefined();
    expect(prepared.size).toBe(0);
  });

  it('counts refused texts against maxPrepared, so that refusals cannot prepare more texts than the bound', () => {
    const prepared = new PreparedStatements({ repeatsBeforePrepare: 1, maxPrepared: 2, maxTracked: 100 });
    expect(prepared.nameFor('SELECT 1')).toBeDefined();
    prepared.refuse('SELECT 1');
    expect(prepared.nameFor('SELECT 2')).toBeDefined();
    expect(prepared.nameFor('SELECT 3')).toBeUndefined();
  });
});
