import { describe, expect, it } from 'vitest';
import { stableJson } from '../../../scripts/schema-gen/stableJson.js';

describe('stableJson', () => {
  it('sorts object keys at every depth, keeps array order, ends with a newline', () => {
    const a = stableJson({ b: 1, a: { d: [3, 1], c: null } });
    const b = stableJson({ a: { c: null, d: [3, 1] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n');
  });
});
