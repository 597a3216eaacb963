// Reads a password from the terminal without echoing it. It lives in memory only: never in argv, the journal or
// the transcript.

export async function promptSecret(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) throw new Error('a password can only be asked for on a terminal');
  output.write(question);
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            input.off('data', onData);
            output.write('\n');
            resolve(secret);
            return;
          }
          if (char === '\u0003') {
            input.off('data', onData);
            output.write('\n');
            reject(new Error('cancelled'));
            return;
          }
          if (char === '\u007f' || char === '\b') secret = [...secret].slice(0, -1).join('');
          else if (char >= ' ') secret += char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}
