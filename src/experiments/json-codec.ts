/**
 * JSON with two guarantees the cache needs: keys are sorted (so equal configs hash equally), and
 * non-finite numbers survive the round trip (JSON.stringify would turn Infinity and NaN into null):
 * they are written as {"$nonFinite": "Infinity" | "-Infinity" | "NaN"}.
 */

const TAG = '$nonFinite';

/** Deterministic JSON: object keys sorted at every depth; non-finite numbers tagged. */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(normalize(value), null, indent);
}

function normalize(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { [TAG]: String(v) };
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, normalize);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

/** Inverse of stableStringify: restores tagged non-finite numbers. */
export function parseTagged(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === TAG) {
        const s = (v as Record<string, unknown>)[TAG];
        if (s === 'Infinity') return Infinity;
        if (s === '-Infinity') return -Infinity;
        if (s === 'NaN') return NaN;
      }
    }
    return v;
  });
}

/** 32-bit FNV-1a of a string's UTF-16 code units: a small stable integer per experiment id (for foldIn). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
