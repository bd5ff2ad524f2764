/** The processes of a chaos run: the shared ledger server and the service instances, started, killed and restarted. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopService, waitHealthy } from '../demo/service.js';

/**
 * Node's arguments to run one of the service's entry points, named without extension (`src/main`): the compiled
 * module in the run's build folder, or its source through the TypeScript loader (scripts/ts-source-register.mjs).
 */
export type EntryPoint = (module: string) => string[];

/** A child process whose output goes to a log file; `kill9` is SIGKILL, as a crash or the OOM killer. */
class LoggedProcess {
  process: ChildProcess | undefined;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly logPath: string,
    private readonly cwd: string,
  ) {}

  spawn(): ChildProcess {
    const log = createWriteStream(this.logPath, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} start ${this.name}\n`);
    const child = spawn(process.execPath, this.args, { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.process = child;
    return child;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async kill9(): Promise<void> {
    const child = this.process;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.process) await stopService(this.process);
  }

  /** The last lines of the log, for a report. */
  tail(lines = 25): string {
    if (!existsSync(this.logPath)) return '';
    return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** One service instance: `src/main` on its own port with the shared settings. */
export class ServiceInstance extends LoggedProcess {
  readonly url: string;

  constructor(root: string, entry: EntryPoint, index: number, port: number, env: Record<string, string>, workDir: string) {
    const url = `http://127.0.0.1:${port}`;
    super(
      `instance-${index}`,
      entry('src/main'),
      { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
      join(workDir, `instance-${index}.log`),
      root,
    );
    this.url = url;
  }

  /** Up and answering /health since its last start (a booting instance is not killed: the run needs one serving). */
  healthy = false;

  async start(timeoutMs = 300_000): Promise<void> {
    this.healthy = false;
    await waitHealthy(this.url, this.spawn(), timeoutMs);
    this.healthy = true;
  }

  override async kill9(): Promise<void> {
    this.healthy = false;
    await super.kill9();
  }
}

/** The settings the ledger server writes to `<data dir>/ledger.env`. */
export type LedgerSettings = Record<'SOLANA_RPC_URL' | 'SOLANA_WS_URL' | 'SOLANA_USDC_MINT' | 'TREASURY_KEY_FILE', string>;

/** The ledger server (`src/chain/ledger-server/main`, as `npm run ledger` runs it) on free ports, state in `dataDir`. */
export class LedgerProcess extends LoggedProcess {
  constructor(
    root: string,
    entry: EntryPoint,
    private readonly dataDir: string,
    env: Record<string, string>,
    workDir: string,
  ) {
    super('ledger', [...entry('src/chain/ledger-server/main'), '--data-dir', dataDir, '--port', '0'], env, join(workDir, 'ledger.log'), root);
  }

  /** Starts it and answers the settings it wrote once it serves JSON-RPC. */
  async start(timeoutMs = 60_000): Promise<LedgerSettings> {
    const envFile = join(this.dataDir, 'ledger.env');
    const child = this.spawn();
    for (const deadline = Date.now() + timeoutMs; ;) {
      if (child.exitCode !== null) throw new Error(`the ledger server exited with code ${child.exitCode}:\n${this.tail()}`);
      if (existsSync(envFile)) {
        const settings = Object.fromEntries(
          readFileSync(envFile, 'utf8')
            .trim()
            .split('\n')
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        ) as LedgerSettings;
        const healthy = await fetch(`${settings.SOLANA_RPC_URL}/health`).then(
          (response) => response.ok,
          () => false,
        );
        if (healthy) return settings;
      }
      if (Date.now() > deadline) throw new Error(`the ledger server did not start within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
