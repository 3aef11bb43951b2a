/**
 * CLI error type: an expected failure with a one-line message and an exit status (1 = verification
 * failed, 2 = usage or input error). Node only.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
