import { readdirSync, readFileSync } from 'node:fs';

/** PF_EXITING in /proc/<pid>/stat's flags: the process is on its way out. */
const PF_EXITING = 0x4;
/** SIGKILL's bit in /proc/<pid>/status's pending-signal masks. */
const SIGKILL_BIT = 1n << 8n;

/**
 * The child processes of this process named `name` (its worker threads' children included) that still run and were
 * not killed: neither exited nor zombies, not exiting, no SIGKILL pending. A process killed a moment ago is left out
 * even while the kernel has yet to finish it (on a loaded machine it can take a while to be scheduled to die), so a
 * test can check "nothing left running" at once, without waiting on the scheduler.
 */
export function runningChildren(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes(`(${name})`)) return [];
        // Fields after the command: state, ppid, pgrp, session, tty_nr, tpgid, flags, ...
        const [state, ppid, , , , , flags] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(ppid) !== process.pid || state === 'Z' || state === 'X' || (Number(flags) & PF_EXITING) !== 0) return [];
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].reduce((mask, m) => mask | BigInt(`0x${m[1]}`), 0n);
        return (pending & SIGKILL_BIT) === 0n ? [Number(pid)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}
