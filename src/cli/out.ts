// Where a command's lines go: stdout and stderr for certwalk itself, a recording wrapper or a test's capture.
export interface Out {
  log(line: string): void;
  error(line: string): void;
}
