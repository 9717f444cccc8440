/**
 * Learning-rate schedules: η(s) for the update that takes step s to s + 1 (s = 0, 1, …).
 */

export type Schedule = (step: number) => number;

/** A learning-rate schedule: constant η, step decay η·factor^⌊s/every⌋, or cosine decay to `final` over `total` steps. */
export type ScheduleSpec =
  | { readonly kind: 'constant'; readonly lr: number }
  /** η·factor^⌊s/every⌋. */
  | { readonly kind: 'step'; readonly lr: number; readonly every: number; readonly factor: number }
  /** Cosine decay from η to `final` over `total` steps (Loshchilov & Hutter 2017, eq. 5, one cycle). */
  | { readonly kind: 'cosine'; readonly lr: number; readonly total: number; readonly final?: number };

function positive(name: string, x: number): void {
  if (!Number.isFinite(x) || x <= 0)
    throw new RangeError(`schedule: ${name} must be a finite number > 0, got ${x}`);
}

/** The function s ↦ η(s) of a schedule spec, a constant, or a function (checked to give finite η > 0). */
export function makeSchedule(spec: ScheduleSpec | number | Schedule): Schedule {
  if (typeof spec === 'function') {
    return (s) => {
      const v = spec(s);
      if (!Number.isFinite(v) || v < 0)
        throw new RangeError(
          `schedule: the learning-rate function returned ${v} at step ${s}; expected a finite number ≥ 0`,
        );
      return v;
    };
  }
  if (typeof spec === 'number') {
    positive('lr', spec);
    return () => spec;
  }
  positive('lr', spec.lr);
  const lr = spec.lr;
  switch (spec.kind) {
    case 'constant':
      return () => lr;
    case 'step': {
      const { every, factor } = spec;
      if (!Number.isInteger(every) || every < 1)
        throw new RangeError(`schedule: step 'every' must be an integer ≥ 1, got ${every}`);
      positive('factor', factor);
      return (s) => lr * Math.pow(factor, Math.floor(s / every));
    }
    case 'cosine': {
      const { total } = spec;
      const final = spec.final ?? 0;
      if (!Number.isInteger(total) || total < 1)
        throw new RangeError(`schedule: cosine 'total' must be an integer ≥ 1, got ${total}`);
      if (!Number.isFinite(final) || final < 0)
        throw new RangeError(`schedule: cosine 'final' must be ≥ 0, got ${final}`);
      return (s) => final + 0.5 * (lr - final) * (1 + Math.cos((Math.PI * Math.min(s, total)) / total));
    }
    default:
      throw new RangeError(
        `schedule: kind must be 'constant', 'step' or 'cosine', got '${String((spec as { kind: unknown }).kind)}'`,
      );
  }
}
