import type { Json, RunContext } from '../types.js';

/** A float64 array as JSON, bit-exact: its little-endian bytes in base64. */
export function encodeFloat64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeFloat64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % 8 !== 0)
    throw new Error(`checkpoint: a float64 array has ${b.byteLength} bytes (not a multiple of 8)`);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/**
 * Named pieces of an experiment's checkpoint: a run made of several trainings (seeds, depths,
 * optimizers) keeps each finished one and the state of the one in progress under its own name, and
 * saves the whole set through `ctx.save` (atomically) whenever a piece changes.
 */
export class CheckpointSlots {
  private readonly slots: Record<string, Json>;

  constructor(private readonly ctx: RunContext) {
    const s = ctx.restore();
    const slots =
      s !== null && typeof s === 'object' && !Array.isArray(s) ? (s as { slots?: Json }).slots : undefined;
    this.slots =
      slots !== undefined && slots !== null && typeof slots === 'object' && !Array.isArray(slots)
        ? { ...(slots as Record<string, Json>) }
        : {};
  }

  get(name: string): Json | undefined {
    return this.slots[name];
  }

  set(name: string, value: Json): void {
    this.slots[name] = value;
    this.ctx.save({ slots: this.slots });
  }
}
