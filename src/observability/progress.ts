/**
 * Progress for humans: on a terminal, one line redrawn a few times a second with a bar, rows, rate and
 * ETA; elsewhere nothing here (structured logs carry progress). The fraction done comes from the
 * backfill's covered `created` range, the only size estimate Stripe's API allows (no total counts since
 * 2025-03-31.basil).
 */
export class ProgressDisplay {
  private total = 0;
  private readonly perTable = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private started = 0;
  private samples: { t: number; rows: number }[] = [];
  private lastLen = 0;
  fraction?: () => number | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.out.isTTY) && process.env.CI !== 'true';
  }

  start(): void {
    this.started = Date.now();
    if (!this.enabled) return;
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  rows(table: string, n: number): void {
    this.total += n;
    this.perTable.set(table, (this.perTable.get(table) ?? 0) + n);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.lastLen > 0) this.out.write(`\r${' '.repeat(this.lastLen)}\r`);
  }

  /** Rows per second over the last ~5 seconds. */
  rate(now = Date.now()): number {
    this.samples.push({ t: now, rows: this.total });
    while (this.samples.length > 2 && now - this.samples[0]!.t > 5000) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (now - first.t) / 1000;
    return dt > 0 ? (this.total - first.rows) / dt : 0;
  }

  line(now = Date.now()): string {
    const rate = this.rate(now);
    const f = this.fraction?.();
    const width = 24;
    let bar = '';
    let eta = '';
    if (f !== undefined && f > 0) {
      const filled = Math.min(width, Math.round(f * width));
      bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% `;
      const elapsed = (now - this.started) / 1000;
      if (f < 1 && elapsed > 2) eta = ` · ETA ${formatDuration((elapsed * (1 - f)) / f)}`;
    }
    const top = [...this.perTable]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
      .join(', ');
    return `${bar}${this.total.toLocaleString('en-US')} rows · ${Math.round(rate).toLocaleString('en-US')} rows/s${eta}${top ? ` · ${top}` : ''}`;
  }

  private draw(): void {
    const cols = this.out.columns ?? 100;
    const text = this.line().slice(0, cols - 1);
    this.out.write(`\r${text}${' '.repeat(Math.max(0, this.lastLen - text.length))}`);
    this.lastLen = text.length;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
