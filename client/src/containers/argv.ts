// Splits a command line into arguments the way a POSIX shell does for the simple cases:
// blanks separate, '…' keeps everything literal, "…" and \ escape. No variables, globs or
// operators: the container gets exactly these arguments (for more, run `sh -c '…'`).

/** The arguments, or null when a quote is left open. */
export function splitArgs(line: string): string[] | null {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (c === '\\' && i + 1 < line.length && (quote === null || '"\\$`'.includes(line[i + 1]))) {
      current += line[++i];
      started = true;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) return null;
  if (started) args.push(current);
  return args;
}
