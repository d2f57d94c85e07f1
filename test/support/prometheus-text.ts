/** One sample of a Prometheus text exposition: `name{label="value",…} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The series of `name` whose labels include `labels`. */
export const seriesOf = (text: string, name: string, labels: Record<string, string> = {}) =>
  parseExposition(text).filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));

/** What a query would sum over every process: the matching series added up. */
export const total = (text: string, name: string, labels: Record<string, string> = {}) => seriesOf(text, name, labels).reduce((sum, s) => sum + s.value, 0);
