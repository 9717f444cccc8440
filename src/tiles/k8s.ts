import { dirname, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { NtkInputError } from '../errors.js';
import { planTiles, readPlan } from './plan.js';
import { taskMemory, taskMemoryLimit } from './taskMemory.js';

/**
 * A Kubernetes Indexed Job for a tile plan (batch/v1 Job, `completionMode: Indexed`, Kubernetes ≥ 1.24):
 * `completions` = the number of tiles, and pod i runs `ntk tiles run RUN`, which reads its tile index from
 * JOB_COMPLETION_INDEX and skips a tile already done — so re-applying the Job after a failure recomputes
 * only missing tiles. The run folder, model and inputs must be on a shared volume mounted at the same path
 * in every pod (`volume` = a PersistentVolumeClaim, mounted at `mountPath`, by default the deepest folder
 * holding them all).
 */
export interface K8sOptions {
  image?: string;
  parallelism?: number;
  name?: string;
  /** PersistentVolumeClaim holding the run folder and inputs. */
  claim?: string;
  mountPath?: string;
  cpus?: number;
  /** Memory per pod, a Kubernetes quantity (e.g. 2Gi). Default: the planned peak of a pod (src/tiles/taskMemory.ts). */
  mem?: string;
  namespace?: string;
  /** The command inside the image (default ["ntk"]). */
  command?: string[];
}

function commonFolder(paths: string[]): string {
  const parts = paths.map((p) => dirname(resolve(p)).split(sep));
  let i = 0;
  while (parts.every((p) => i < p.length && p[i] === parts[0][i])) i++;
  return parts[0].slice(0, i).join(sep) || sep;
}

/** A Kubernetes batch/v1 Indexed Job running one tile per completion index (`JOB_COMPLETION_INDEX`). */
export function k8sJob(dir: string, o: K8sOptions = {}): Record<string, unknown> {
  const run = resolve(dir);
  const plan = readPlan(run);
  const n = planTiles(plan).length;
  const parallelism = o.parallelism ?? Math.min(n, 8);
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new NtkInputError(`--parallelism must be a positive integer, got ${o.parallelism}`);
  const name = o.name ?? 'ntk-tiles';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
    throw new NtkInputError(
      `--name must be a DNS-1123 label (lower-case letters, digits, '-'), got '${name}'`,
    );
  const mountPath =
    o.mountPath ??
    commonFolder([
      `${run}${sep}plan.json`,
      plan.model.path,
      plan.x1.path,
      ...(plan.x2 ? [plan.x2.path] : []),
    ]);
  const cpus = o.cpus ?? 1;
  // memory: the user's quantity, else the planned peak of a pod (src/tiles/taskMemory.ts), which also bounds
  // the kernel planners inside the pod (NTK_MEMORY_LIMIT)
  const planned = taskMemory(plan, cpus).requestMiB;
  const memory = o.mem ?? `${planned}Mi`;
  const resources = { requests: { cpu: String(cpus), memory }, limits: { memory } };
  const env = [
    { name: 'NTK_BACKEND', value: plan.backend },
    { name: 'OPENBLAS_NUM_THREADS', value: String(cpus) },
    { name: 'NTK_WASM_THREADS', value: String(cpus) },
    ...(o.mem === undefined
      ? [{ name: 'NTK_MEMORY_LIMIT', value: String(taskMemoryLimit(plan, cpus, planned * 2 ** 20)) }]
      : []),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { app: 'ntk-lab' } },
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism,
      backoffLimit: Math.max(6, n),
      template: {
        metadata: { labels: { app: 'ntk-lab' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'tile',
              image: o.image ?? 'ntk-lab:latest',
              command: [...(o.command ?? ['ntk']), 'tiles', 'run', run, '--threads', String(cpus)],
              env,
              resources,
              volumeMounts: [{ name: 'run', mountPath }],
            },
          ],
          volumes: [
            o.claim
              ? { name: 'run', persistentVolumeClaim: { claimName: o.claim } }
              : { name: 'run', hostPath: { path: mountPath, type: 'Directory' } },
          ],
        },
      },
    },
  };
}

/** The Job as YAML. */
export function k8sJobYaml(dir: string, o: K8sOptions = {}): string {
  return stringify(k8sJob(dir, o));
}
