/**
 * Files (`file_…`, docs.stripe.com/api/files): list (filters `purpose`, `created`) and retrieve. Uploads
 * go to files.stripe.com as multipart/form-data, which the emulator does not accept; `createFile` is its
 * control-free way to add one (the seed uses it for dispute evidence, identity documents...), with
 * `file.created`. A file's `links` list points at `/v1/file_links?file=…` (file links are not served, so
 * it is empty).
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';

export const FILE_PURPOSES = [
  'account_requirement',
  'additional_verification',
  'business_icon',
  'business_logo',
  'customer_signature',
  'dispute_evidence',
  'document_provider_identity_document',
  'finance_report_run',
  'financial_account_statement',
  'identity_document',
  'identity_document_downloadable',
  'issuing_regulatory_reporting',
  'pci_document',
  'platform_terms_of_service',
  'selfie',
  'sigma_scheduled_query',
  'tax_document_user_upload',
  'terminal_android_apk',
  'terminal_reader_splashscreen',
  'terminal_wifi_certificate',
  'terminal_wifi_private_key',
] as const;

export interface FileSpec {
  purpose: (typeof FILE_PURPOSES)[number];
  filename: string;
  /** Bytes. */
  size: number;
  title?: string | null;
  /** Seconds until the file expires (Stripe sets this for generated reports), else it never does. */
  expiresIn?: number;
}

export function createFile(ctx: MutationContext, spec: FileSpec): StripeObject {
  if (!(FILE_PURPOSES as readonly string[]).includes(spec.purpose))
    throw invalidRequest(`Invalid purpose: ${spec.purpose}`, 'purpose');
  if (!Number.isInteger(spec.size) || spec.size < 0) throw invalidRequest('Invalid size', 'size');
  const id = ctx.newId('file');
  const ext = /\.([A-Za-z0-9]+)$/.exec(spec.filename)?.[1]?.toLowerCase() ?? null;
  const file: StripeObject = Object.assign(ctx.template('file'), {
    id,
    object: 'file',
    created: ctx.now,
    expires_at: spec.expiresIn === undefined ? null : ctx.now + spec.expiresIn,
    filename: spec.filename,
    links: { object: 'list', data: [], has_more: false, url: `/v1/file_links?file=${id}` },
    purpose: spec.purpose,
    size: spec.size,
    title: spec.title ?? null,
    type: ext === 'jpeg' ? 'jpg' : ext,
    url: `https://files.stripe.com/v1/files/${id}/contents`,
  });
  return ctx.insert('files', file);
}

export const files: ResourceDef = {
  name: 'files',
  object: 'file',
  idPrefix: 'file',
  path: '/v1/files',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  filterFields: ['purpose'],
  listParams: { purpose: {} },
  events: { created: 'file.created' },
  permission: 'files',
};
