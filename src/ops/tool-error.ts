// The one error type ops throw: which tool, the Windows error code when the tool printed one, and its own words.

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly tool: string,
    message: string,
    readonly details: {readonly code?: number | string; readonly exitCode?: number; readonly output?: string} = {},
  ) {
    super(message);
  }
}
