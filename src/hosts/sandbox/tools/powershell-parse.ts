// The small PowerShell subset certwalk's ops emit, parsed into statements. Anything else is refused with a
// SandboxSyntaxError naming the line and column, so a script the sandbox cannot run never gets a guessed meaning.
//
//   script     := statement { (newline | ';') statement }
//   statement  := '$var' '=' pipeline | 'exit' [expression] | pipeline
//   pipeline   := (command | expression) { '|' command }
//   command    := Verb-Noun { '-Param' [':' value] | value }
//   expression := 'literal' | "literal without $ or `" | number | $var | $true | $false | $null
//               | [Type]::Member | '(' pipeline ')' ; then any number of .Member or .Method(args, …)

export type Expression =
  | {readonly kind: 'literal'; readonly value: string | number | boolean | null}
  | {readonly kind: 'variable'; readonly name: string}
  | {readonly kind: 'static'; readonly type: string; readonly member: string}
  | {readonly kind: 'member'; readonly target: Expression; readonly member: string}
  | {readonly kind: 'call'; readonly target: Expression; readonly method: string; readonly args: readonly Expression[]}
  | {readonly kind: 'subexpression'; readonly pipeline: Pipeline};

export interface Extent {
  /** 1-based. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly column: number;
  /** Characters covered on that line. */
  readonly length: number;
}

export interface CommandArgument {
  /** The parameter name as written, without the dash; absent for a positional value. */
  readonly parameter?: string;
  /** Absent for a switch written without value. */
  readonly value?: Expression;
}

export interface CommandElement {
  readonly kind: 'command';
  readonly name: string;
  readonly args: readonly CommandArgument[];
  readonly extent: Extent;
}

export type PipelineElement = CommandElement | {readonly kind: 'expression'; readonly expression: Expression; readonly extent: Extent};

export interface Pipeline {
  readonly elements: readonly PipelineElement[];
}

export type Statement =
  | {readonly kind: 'assign'; readonly variable: string; readonly pipeline: Pipeline; readonly extent: Extent}
  | {readonly kind: 'exit'; readonly code?: Expression; readonly extent: Extent}
  | {readonly kind: 'pipeline'; readonly pipeline: Pipeline; readonly extent: Extent};

export class SandboxSyntaxError extends Error {
  override readonly name = 'SandboxSyntaxError';
}

type TokenKind = 'string' | 'number' | 'variable' | 'word' | 'parameter' | 'type' | 'punct' | 'newline' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Decoded value of a string or number. */
  readonly value?: string | number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  /** Whitespace came right before it (`$a.b` is member access, `$a .b` is not). */
  readonly spaced: boolean;
}

const WORD = /^[A-Za-z_][A-Za-z0-9_\-*]*|^\*/;

export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  const lines = script.replace(/\r\n?/g, '\n').split('\n');
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    let i = 0;
    let spaced = true;
    const push = (kind: TokenKind, length: number, value?: string | number) => {
      tokens.push({kind, text: text.slice(i, i + length), ...(value === undefined ? {} : {value}), line, column: i + 1, length, spaced});
      i += length;
      spaced = false;
    };
    while (i < text.length) {
      const rest = text.slice(i);
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t') {
        i++;
        spaced = true;
        continue;
      }
      if (ch === '#') break;
      if (ch === "'" || ch === '\u2018' || ch === '\u2019') {
        const {value, length} = singleQuoted(rest, line, i + 1);
        push('string', length, value);
        continue;
      }
      if (ch === '"') {
        const end = rest.indexOf('"', 1);
        const body = end < 0 ? '' : rest.slice(1, end);
        if (end < 0 || /[$`]/.test(body)) throw syntax(line, i + 1, 'double-quoted strings with $ or ` (expanding strings) are not simulated; use single quotes');
        push('string', end + 1, body);
        continue;
      }
      if (ch === '$') {
        const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
        if (!name) throw syntax(line, i + 1, `"${rest.slice(0, 12)}" is not a simple variable`);
        push('variable', name[0].length, name[1]!);
        continue;
      }
      if (ch === '[') {
        const type = /^\[([A-Za-z_][A-Za-z0-9_.]*)\]/.exec(rest);
        if (!type) throw syntax(line, i + 1, `"${rest.slice(0, 12)}" is not a type literal such as [DateTime]`);
        push('type', type[0].length, type[1]!);
        continue;
      }
      if (rest.startsWith('::')) {
        push('punct', 2);
        continue;
      }
      if ('|;(),=.:'.includes(ch)) {
        push('punct', 1);
        continue;
      }
      if (ch === '-' && /^-[A-Za-z_]/.test(rest) && (spaced || i === 0)) {
        const name = /^-([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)!;
        push('parameter', name[0].length, name[1]!);
        continue;
      }
      const number = /^\d+(?![A-Za-z_])/.exec(rest);
      if (number) {
        push('number', number[0].length, Number(number[0]));
        continue;
      }
      const word = WORD.exec(rest);
      if (word) {
        push('word', word[0].length);
        continue;
      }
      throw syntax(line, i + 1, `"${ch}" is outside the PowerShell subset the sandbox simulates`);
    }
    tokens.push({kind: 'newline', text: '\n', line, column: text.length + 1, length: 0, spaced});
  }
  tokens.push({kind: 'end', text: '', line: lines.length, column: 1, length: 0, spaced: true});
  return tokens;
}

function singleQuoted(rest: string, line: number, column: number): {value: string; length: number} {
  let value = '';
  let i = 1;
  for (;;) {
    const ch = rest[i];
    if (ch === undefined) throw syntax(line, column, "The string is missing the terminator: '.");
    if (ch === "'" || ch === '\u2018' || ch === '\u2019') {
      if (rest[i + 1] === "'" || rest[i + 1] === '\u2018' || rest[i + 1] === '\u2019') {
        value += ch;
        i += 2;
        continue;
      }
      return {value, length: i + 1};
    }
    value += ch;
    i++;
  }
}

function syntax(line: number, column: number, message: string): SandboxSyntaxError {
  return new SandboxSyntaxError(`line ${line} char ${column}: ${message}`);
}

export function parseScript(script: string): Statement[] {
  return new Parser(tokenize(script)).script();
}

class Parser {
  #i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  script(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.#at('newline') || this.#atPunct(';')) this.#i++;
      if (this.#at('end')) return statements;
      statements.push(this.#statement());
      if (!this.#at('newline') && !this.#atPunct(';') && !this.#at('end')) throw this.#unexpected();
    }
  }

  #statement(): Statement {
    const first = this.#peek();
    if (first.kind === 'variable' && this.#peek(1).kind === 'punct' && this.#peek(1).text === '=') {
      this.#i += 2;
      const pipeline = this.#pipeline();
      return {kind: 'assign', variable: String(first.value), pipeline, extent: this.#extentFrom(first)};
    }
    if (first.kind === 'word' && first.text.toLowerCase() === 'exit') {
      this.#i++;
      const code = this.#at('newline') || this.#at('end') || this.#atPunct(';') ? undefined : this.#expression();
      return {kind: 'exit', ...(code ? {code} : {}), extent: this.#extentFrom(first)};
    }
    const pipeline = this.#pipeline();
    return {kind: 'pipeline', pipeline, extent: this.#extentFrom(first)};
  }

  #pipeline(): Pipeline {
    const elements: PipelineElement[] = [this.#element(true)];
    while (this.#atPunct('|')) {
      this.#i++;
      while (this.#at('newline')) this.#i++;
      elements.push(this.#element(false));
    }
    return {elements};
  }

  #element(first: boolean): PipelineElement {
    const start = this.#peek();
    if (start.kind === 'word') return this.#command();
    if (!first) throw this.#unexpected('only commands may follow |');
    const expression = this.#expression();
    return {kind: 'expression', expression, extent: this.#extentFrom(start)};
  }

  #command(): CommandElement {
    const start = this.#next();
    const args: CommandArgument[] = [];
    while (!this.#at('newline') && !this.#at('end') && !this.#atPunct('|') && !this.#atPunct(';') && !this.#atPunct(')')) {
      const token = this.#peek();
      if (token.kind === 'parameter') {
        this.#i++;
        const parameter = String(token.value);
        if (this.#atPunct(':') && !this.#peek().spaced) {
          this.#i++;
          args.push({parameter, value: this.#argumentValue()});
        } else if (this.#startsValue()) {
          args.push({parameter, value: this.#argumentValue()});
        } else {
          args.push({parameter});
        }
        continue;
      }
      args.push({value: this.#argumentValue()});
    }
    return {kind: 'command', name: start.text, args, extent: this.#extentFrom(start)};
  }

  /** Whether the next token can be a parameter's value (a following -Name is the next parameter instead). */
  #startsValue(): boolean {
    const t = this.#peek();
    return t.kind === 'string' || t.kind === 'number' || t.kind === 'variable' || t.kind === 'word' || t.kind === 'type' || (t.kind === 'punct' && t.text === '(');
  }

  /** In argument mode a bare word is a string (`-Identity global`). */
  #argumentValue(): Expression {
    const token = this.#peek();
    if (token.kind === 'word') {
      this.#i++;
      if (this.#atPunct(',') || (this.#atPunct('.') && !this.#peek().spaced)) throw this.#unexpected('arrays and member access on bare words are not simulated');
      return {kind: 'literal', value: token.text};
    }
    const value = this.#expression();
    if (this.#atPunct(',')) throw this.#unexpected('array arguments are not simulated');
    return value;
  }

  #expression(): Expression {
    let expression = this.#primary();
    for (;;) {
      const dot = this.#peek();
      if (!(dot.kind === 'punct' && dot.text === '.' && !dot.spaced)) return expression;
      this.#i++;
      const name = this.#next();
      if (name.kind !== 'word' || name.spaced) throw this.#unexpected('expected a member name after "."', name);
      if (this.#atPunct('(') && !this.#peek().spaced) {
        expression = {kind: 'call', target: expression, method: name.text, args: this.#callArguments()};
      } else {
        expression = {kind: 'member', target: expression, member: name.text};
      }
    }
  }

  #callArguments(): Expression[] {
    this.#i++; // (
    const args: Expression[] = [];
    if (this.#atPunct(')')) {
      this.#i++;
      return args;
    }
    for (;;) {
      args.push(this.#expression());
      const t = this.#next();
      if (t.kind === 'punct' && t.text === ')') return args;
      if (!(t.kind === 'punct' && t.text === ',')) throw this.#unexpected('expected , or ) in the argument list', t);
    }
  }

  #primary(): Expression {
    const token = this.#next();
    switch (token.kind) {
      case 'string':
      case 'number':
        return {kind: 'literal', value: token.value!};
      case 'variable': {
        const name = String(token.value).toLowerCase();
        if (name === 'true') return {kind: 'literal', value: true};
        if (name === 'false') return {kind: 'literal', value: false};
        if (name === 'null') return {kind: 'literal', value: null};
        return {kind: 'variable', name: String(token.value)};
      }
      case 'type': {
        const colons = this.#next();
        if (!(colons.kind === 'punct' && colons.text === '::')) throw this.#unexpected('type literals are only simulated as [Type]::Member', colons);
        const member = this.#next();
        if (member.kind !== 'word') throw this.#unexpected('expected a static member name after ::', member);
        const target: Expression = {kind: 'static', type: String(token.value), member: member.text};
        if (this.#atPunct('(') && !this.#peek().spaced)
          return {kind: 'call', target: {kind: 'static', type: String(token.value), member: ''}, method: member.text, args: this.#callArguments()};
        return target;
      }
      case 'punct':
        if (token.text === '(') {
          const pipeline = this.#pipeline();
          const close = this.#next();
          if (!(close.kind === 'punct' && close.text === ')')) throw this.#unexpected("Missing closing ')' in expression.", close);
          return {kind: 'subexpression', pipeline};
        }
        break;
      default:
        break;
    }
    throw this.#unexpected(undefined, token);
  }

  #peek(offset = 0): Token {
    return this.tokens[Math.min(this.#i + offset, this.tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    this.#i = Math.min(this.#i + 1, this.tokens.length - 1);
    return token;
  }

  #at(kind: TokenKind): boolean {
    return this.#peek().kind === kind;
  }

  #atPunct(text: string): boolean {
    const t = this.#peek();
    return t.kind === 'punct' && t.text === text;
  }

  /** From `start` to the last token consumed, on start's line. */
  #extentFrom(start: Token): Extent {
    const last = this.tokens[Math.max(this.#i - 1, 0)]!;
    const end = last.line === start.line ? last.column + last.length : start.column + start.length;
    return {line: start.line, column: start.column, length: Math.max(end - start.column, 1)};
  }

  #unexpected(why?: string, token: Token = this.#peek()): SandboxSyntaxError {
    const what = token.kind === 'newline' || token.kind === 'end' ? 'the end of the line' : `"${token.text}"`;
    return syntax(token.line, token.column, `unexpected ${what}${why ? `: ${why}` : ''}`);
  }
}
