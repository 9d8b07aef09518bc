/**
 * Credit note lines (`credit_note_line_item`, `cnli_`): listed at `/v1/credit_notes/{id}/lines` and
 * embedded as `credit_note.lines` (first 10). The line object names no credit note, so the emulator keeps
 * its parent in a hidden field. No events of their own.
 */
import type { ResourceDef } from '../../resource.js';

export const creditNoteLines: ResourceDef = {
  name: 'credit_note_lines',
  object: 'credit_note_line_item',
  idPrefix: 'cnli',
  parent: { resource: 'credit_notes', field: '_credit_note', path: '/v1/credit_notes/:parent/lines' },
  operations: {},
  createdFilter: false,
  indexedFields: ['_credit_note'],
  hiddenFields: ['_credit_note'],
  permission: 'credit_notes',
};
