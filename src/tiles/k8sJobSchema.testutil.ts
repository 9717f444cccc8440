/**
 * A subset of the Kubernetes batch/v1 Job JSON schema (OpenAPI definitions io.k8s.api.batch.v1.Job,
 * JobSpec, io.k8s.api.core.v1.PodTemplateSpec, PodSpec, Container, EnvVar, ResourceRequirements,
 * VolumeMount, Volume, PersistentVolumeClaimVolumeSource, HostPathVolumeSource, ObjectMeta of Kubernetes
 * 1.30, in the "strict" form of kubernetes-json-schema: unknown fields are errors). Only the fields the
 * ntk manifest writer can emit are listed, with the types and enums the API server enforces, plus the rules
 * of the Indexed completion mode (completions required, completionMode ∈ {NonIndexed, Indexed},
 * restartPolicy ∈ {Never, OnFailure} for Jobs).
 */
const quantity = {
  oneOf: [{ type: 'string', pattern: '^[0-9.]+([eE][0-9]+|[mkMGTPE]i?|Ki)?$' }, { type: 'number' }],
};
const name = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const labels = { type: 'object', additionalProperties: { type: 'string' } };

export const jobSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'batch/v1' },
    kind: { const: 'Job' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name, namespace: name, labels, annotations: labels },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['template', 'completions', 'completionMode'],
      properties: {
        completionMode: { enum: ['NonIndexed', 'Indexed'] },
        completions: { type: 'integer', minimum: 0 },
        parallelism: { type: 'integer', minimum: 0 },
        backoffLimit: { type: 'integer', minimum: 0 },
        backoffLimitPerIndex: { type: 'integer', minimum: 0 },
        activeDeadlineSeconds: { type: 'integer', minimum: 1 },
        ttlSecondsAfterFinished: { type: 'integer', minimum: 0 },
        template: {
          type: 'object',
          additionalProperties: false,
          required: ['spec'],
          properties: {
            metadata: {
              type: 'object',
              additionalProperties: false,
              properties: { labels, annotations: labels },
            },
            spec: {
              type: 'object',
              additionalProperties: false,
              required: ['containers'],
              properties: {
                restartPolicy: { enum: ['Never', 'OnFailure'] },
                containers: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name', 'image'],
                    properties: {
                      name,
                      image: { type: 'string', minLength: 1 },
                      command: { type: 'array', items: { type: 'string' } },
                      args: { type: 'array', items: { type: 'string' } },
                      workingDir: { type: 'string' },
                      env: {
                        type: 'array',
                        items: {
                          type: 'object',
                          additionalProperties: false,
                          required: ['name'],
                          properties: { name: { type: 'string', minLength: 1 }, value: { type: 'string' } },
                        },
                      },
                      resources: {
                        type: 'object',
                        additionalProperties: false,
                        properties: {
                          limits: { type: 'object', additionalProperties: quantity },
                          requests: { type: 'object', additionalProperties: quantity },
                        },
                      },
                      volumeMounts: {
                        type: 'array',
                        items: {
                          type: 'object',
                          additionalProperties: false,
                          required: ['name', 'mountPath'],
                          properties: {
                            name,
                            mountPath: { type: 'string', pattern: '^/' },
                            readOnly: { type: 'boolean' },
                            subPath: { type: 'string' },
                          },
                        },
                      },
                    },
                  },
                },
                volumes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name'],
                    properties: {
                      name,
                      persistentVolumeClaim: {
                        type: 'object',
                        additionalProperties: false,
                        required: ['claimName'],
                        properties: {
                          claimName: { type: 'string', minLength: 1 },
                          readOnly: { type: 'boolean' },
                        },
                      },
                      hostPath: {
                        type: 'object',
                        additionalProperties: false,
                        required: ['path'],
                        properties: {
                          path: { type: 'string' },
                          type: {
                            enum: [
                              '',
                              'DirectoryOrCreate',
                              'Directory',
                              'FileOrCreate',
                              'File',
                              'Socket',
                              'CharDevice',
                              'BlockDevice',
                            ],
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
