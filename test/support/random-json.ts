/**
 * Random JSON text for fuzzing, from a seeded generator so that a failure can be replayed. It
 * writes the text itself, so it can hold what JSON.stringify never writes: unpaired surrogate
 * and NUL escapes, numbers past any float, nesting past any limit.
 */
export class RandomJson {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast, good enough for test inputs. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(choices: readonly T[]): T {
    return choices[this.int(choices.length)];
  }

  /** A JSON string literal: plain, unicode, escapes, control characters, lone surrogates, NUL. */
  string(maxLength = 12): string {
    const parts: string[] = [];
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i += 1) {
      parts.push(
        this.pick([
          () => String.fromCharCode(97 + this.int(26)),
          () => this.pick(['é', '😀', '中', '\u200b', '\ufffd', ' ', '-', '/', '%', '?', '#']),
          () => this.pick(['\\n', '\\t', '\\"', '\\\\', '\\/', '\\u0007', '\\u001f', '\\u007f']),
          () => this.pick(['\\ud800', '\\udbff', '\\udc00', '\\udfff', '\\u0000', '\\ud83d\\ude00', '\\ud800\\u0041']),
        ])(),
      );
    }
    return `"${parts.join('')}"`;
  }

  /** A JSON number literal, huge or tiny ones included. */
  number(): string {
    return this.pick(['0', '-0', '1', '-1', '42', '1.5', '1e308', '-1e308', '1e400', '9007199254740993', '123456789012345678901234567890', '5e-324', '1E2', String(this.int(1000)), String(this.next())]);
  }

  /** Any JSON value, nested up to `depth` (sometimes far deeper: a deep chain of arrays or objects). */
  value(depth = 4): string {
    if (depth > 0 && this.chance(0.02)) return this.deepChain();
    const kind = depth <= 0 ? this.int(4) : this.int(6);
    switch (kind) {
      case 0:
        return this.string();
      case 1:
        return this.number();
      case 2:
        return this.pick(['true', 'false', 'null']);
      case 3:
        return this.string(3);
      case 4:
        return `[${Array.from({ length: this.int(4) }, () => this.value(depth - 1)).join(',')}]`;
      default:
        return `{${Array.from({ length: this.int(4) }, () => `${this.string(6)}:${this.value(depth - 1)}`).join(',')}}`;
    }
  }

  /** An object of `fields`, each sent with a likely value, a random one, or left out. */
  object(fields: Record<string, () => string>): string {
    const members = Object.entries(fields)
      .filter(() => !this.chance(0.15))
      .map(([name, likely]) => `"${name}":${this.chance(0.7) ? likely() : this.value(2)}`);
    if (this.chance(0.1)) members.push(`${this.string(5)}:${this.value(1)}`);
    return `{${members.join(',')}}`;
  }

  /** A broken document now and then: cut short, or not JSON at all. */
  damaged(text: string): string {
    if (this.chance(0.03)) return text.slice(0, this.int(text.length));
    if (this.chance(0.02)) return this.pick(['', ' ', 'nul', '{', '[1,]', '"unterminated', '\u0000', '{"a":1}{"b":2}', 'NaN', '[Infinity]']);
    return text;
  }

  private deepChain(): string {
    const levels = this.pick([60, 70, 500, 5_000]);
    return this.chance(0.5) ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  }
}
