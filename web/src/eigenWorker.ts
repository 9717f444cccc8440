/// <reference lib="webworker" />
// The training view's second thread: while the compute worker trains, this one computes the top-k
// eigenpairs of the empirical Gramian G_t at the parameters it is sent, so refreshing the spectrum never
// stalls the training steps (the machine's second core does it). It runs on the compute worker's backend.
import { setBackend } from '../../src/linalg/select.js';
import { modelFromJson, type ModelJson } from '../../src/nn/model.js';
import type { Tensor } from '../../src/nn/types.js';
import type { Key } from '../../src/random/key.js';
import { networkModel, type TrainModel } from '../../src/train/model.js';
import { gramianEigen } from './compute/gramianEigen.js';
import { selectBackend, type LabBackendName } from './backend.js';

export type EigenRequest =
  | {
      type: 'init';
      backend: LabBackendName;
      json: ModelJson;
      initKey: Key;
      x: Tensor;
      y: Float64Array;
      k: number;
    }
  | { type: 'eigen'; step: number; theta: Float64Array; f: Float64Array };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let state: { model: TrainModel; x: Tensor; y: Float64Array; k: number } | null = null;

scope.onmessage = (ev: MessageEvent<EigenRequest>) => {
  const m = ev.data;
  try {
    if (m.type === 'init') {
      selectBackend(m.backend, setBackend);
      const net = modelFromJson(m.json).net;
      state = { model: networkModel(net, net.init(m.initKey, [m.x.shape[1]])), x: m.x, y: m.y, k: m.k };
      return;
    }
    if (!state) throw new Error('eigen worker: eigen request before init');
    scope.postMessage({
      ok: true,
      eig: gramianEigen(state.model, m.theta, state.x, state.y, m.f, state.k, m.step),
    });
  } catch (e) {
    scope.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
};
