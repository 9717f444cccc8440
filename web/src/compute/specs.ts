import type { DenseSpec } from './modelJson.js';
import { num, str, type LabParams } from './result.js';

/** The network of each view from its parameters (light: the page imports these, not the computations). */
export function kernelSpec(p: LabParams): DenseSpec {
  return {
    arch: str(p, 'arch') as DenseSpec['arch'],
    depth: num(p, 'depth'),
    width: num(p, 'width'),
    activation: str(p, 'act'),
    W_std: num(p, 'wstd'),
    b_std: num(p, 'bstd'),
    parameterization: str(p, 'param') as DenseSpec['parameterization'],
  };
}

export function trainingSpec(p: LabParams): DenseSpec {
  return {
    depth: num(p, 'depth'),
    width: num(p, 'width'),
    activation: str(p, 'act'),
    W_std: num(p, 'wstd'),
    b_std: num(p, 'bstd'),
    parameterization: 'ntk',
  };
}

export function cubeSpec(p: LabParams, depth: number): DenseSpec {
  return {
    depth,
    width: 512,
    activation: str(p, 'act'),
    W_std: num(p, 'wstd'),
    b_std: num(p, 'bstd'),
    parameterization: 'ntk',
  };
}
