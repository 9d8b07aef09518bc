/** `stripe-elt streams`: the catalogue — every table, where it comes from and how it stays current. */
import { Command, Option } from 'commander';
import { catalog } from '../catalog/registry.js';
import type { StreamDefinition } from '../catalog/streamDefinition.js';

function source(s: StreamDefinition): string {
  if (s.reference) return '(reference data)';
  if (s.list) {
    const params = { ...s.list.params };
    const q = Object.entries(params).map(([k, v]) => `${k}=${v}`);
    const passes = s.list.passes
      ? ` ×${s.list.passes.length} passes (${s.list.passes
          .map((p) =>
            Object.entries(p)
              .map(([k, v]) => `${k}=${v}`)
              .join('&'),
          )
          .join(' | ')})`
      : '';
    return `${s.list.path}${q.length ? `?${q.join('&')}` : ''}${passes}`;
  }
  const p = s.parent!;
  if (p.embeddedArray) return `${p.stream}.${p.embeddedArray}[]`;
  return `${p.path}${p.embeddedField ? ` (embedded in ${p.stream}.${p.embeddedField})` : ' (one request per parent)'}`;
}

export function streamsCommand(): Command {
  return new Command('streams')
    .description(
      'List the streams (tables) stripe-elt can sync, with their source endpoint and incremental method.',
    )
    .addOption(new Option('--json', 'print the catalogue as JSON'))
    .addOption(new Option('-v, --verbose', 'include events and notes'))
    .action((opts: { json?: boolean; verbose?: boolean }) => {
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(catalog.streams, null, 2)}\n`);
        return;
      }
      const rows = catalog.streams.map((s) => [
        s.name,
        s.primaryKey.join(', '),
        s.incremental +
          (s.reconcileHours ? ` + re-list/${s.reconcileHours}h` : '') +
          (s.perParentRequests ? ' (per-parent)' : ''),
        source(s),
      ]);
      const head = ['STREAM', 'KEY', 'INCREMENTAL', 'SOURCE'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const fmt = (r: string[]) =>
        r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      const lines = [fmt(head), ...rows.map(fmt)];
      if (opts.verbose) {
        for (const s of catalog.streams) {
          if (!s.events?.length && !s.notes) continue;
          lines.push('', `${s.name}:`);
          if (s.events?.length)
            lines.push(
              `  events: ${s.events.join(', ')}${s.deletedEvent ? ` (deletes: ${s.deletedEvent})` : ''}`,
            );
          if (s.notes) lines.push(`  ${s.notes}`);
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
