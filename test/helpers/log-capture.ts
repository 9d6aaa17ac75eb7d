import { Writable } from 'node:stream';
import { registerLogSource } from './log-hygiene';

/** A pino destination that keeps every line, for assertions on what was logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  constructor() {
    super();
    registerLogSource(() => this.text());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    callback();
  }

  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
