/** Prints the demo's numbered steps with their timings, and names the step that failed. */

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface StepTiming {
  title: string;
  seconds: number;
}

export class Steps {
  readonly timings: StepTiming[] = [];
  private readonly started = Date.now();

  constructor(private readonly print: (line: string) => void) {}

  /** Runs one step; `fn` may print detail lines through `say`. A failure is rethrown as StepFailed naming the step. */
  async run<T>(title: string, fn: (say: (line: string) => void) => Promise<T>): Promise<T> {
    const number = this.timings.length + 1;
    this.print(`\n[${number}] ${title}`);
    const start = Date.now();
    try {
      const result = await fn((line) => {
        this.print(`    ${line}`);
      });
      const seconds = (Date.now() - start) / 1000;
      this.timings.push({ title, seconds });
      this.print(`    done in ${seconds.toFixed(2)} s`);
      return result;
    } catch (error) {
      throw error instanceof StepFailed ? error : new StepFailed(`[${number}] ${title}`, error);
    }
  }

  get totalSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
