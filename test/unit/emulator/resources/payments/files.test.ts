import { describe, expect, it } from 'vitest';
import { createFile } from '../../../../../src/emulator/resources/payments/files.js';
import { NOW, setup } from './helpers.js';

describe('files', () => {
  it('lists and retrieves files the emulator created, filtered by purpose', async () => {
    const { emu, api } = setup();
    const ctx = emu.context();
    const evidence = createFile(ctx, { purpose: 'dispute_evidence', filename: 'receipt.PDF', size: 20480 });
    const logo = createFile(ctx, {
      purpose: 'business_logo',
      filename: 'logo.jpeg',
      size: 1024,
      title: 'Logo',
    });
    expect(evidence).toMatchObject({
      object: 'file',
      purpose: 'dispute_evidence',
      filename: 'receipt.PDF',
      size: 20480,
      type: 'pdf',
      created: NOW,
      expires_at: null,
      url: `https://files.stripe.com/v1/files/${evidence.id}/contents`,
      links: { object: 'list', data: [], has_more: false, url: `/v1/file_links?file=${evidence.id}` },
    });
    expect(logo.type).toBe('jpg');
    expect(await api.ids('/v1/files')).toEqual([logo.id, evidence.id]);
    expect(await api.ids('/v1/files', { purpose: 'dispute_evidence' })).toEqual([evidence.id]);
    expect((await api.get(`/v1/files/${logo.id}`)).title).toBe('Logo');
    expect(await api.eventTypes()).toEqual(['file.created', 'file.created']);
    expect(() => createFile(ctx, { purpose: 'nonsense' as 'selfie', filename: 'x.png', size: 1 })).toThrow(
      /Invalid purpose/,
    );
  });
});
