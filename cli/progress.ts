/** A one-line progress display on stderr: a bar when the total is known, counts otherwise. Quiet when piped. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total?: number,
  ) {}

  update(done: number, detail = ''): void {
    const now = Date.now();
    if (now - this.last < (this.tty ? 100 : 5000)) return;
    this.last = now;
    this.render(done, detail);
  }

  finish(done: number, detail = ''): void {
    this.render(done, detail);
    if (this.tty) process.stderr.write('\n');
  }

  private render(done: number, detail: string): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    let line = `${this.label} ${done}`;
    if (this.total) {
      const share = Math.min(1, done / this.total);
      const width = 24;
      const filled = Math.round(share * width);
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${this.total}`;
    }
    line += ` ${rate}/s ${detail}`;
    process.stderr.write(this.tty ? `\r${line.padEnd(100)}` : `${line}\n`);
  }
}
