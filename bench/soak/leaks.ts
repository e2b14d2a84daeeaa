/**
 * Looks for secret values (every password and client secret the soak ever wrote, rotations
 * included) in text that leaves the controller: log lines, Events, status, metrics scrapes.
 * A leak is reported by the secret's label and where it was seen, never by its value.
 */

/** One leak. */
export interface Leak {
  where: string;
  secret: string;
}

/** The scanner. */
export class LeakScanner {
  private readonly values = new Map<string, string>();
  readonly leaks: Leak[] = [];
  /** Texts scanned, per kind of place. */
  readonly scanned: Record<string, number> = {};

  /** Registers a value (before it is written anywhere the controller can read it). */
  add(label: string, value: string): void {
    this.values.set(value, label);
  }

  /** Scans one text; `kind` groups the count (log, event, status, scrape), `where` names the place. */
  scan(text: string, kind: string, where: string): void {
    this.scanned[kind] = (this.scanned[kind] ?? 0) + 1;
    for (const [value, label] of this.values)
      if (text.includes(value) && this.leaks.length < 100)
        this.leaks.push({ where: `${kind}: ${where}`, secret: label });
  }
}
