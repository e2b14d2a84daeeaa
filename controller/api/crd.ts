/** The CustomResourceDefinition object, assembled from the schema source. */
import {
  CATEGORIES,
  CRD_NAME,
  GROUP,
  KIND,
  LIST_KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from './constants.js';
import type { PrinterColumn, SchemaNode } from './schema-types.js';
import { specSchema } from './spec-schema.js';
import { statusSchema } from './status-schema.js';

/** The whole object schema: apiVersion, kind, metadata, spec, status. */
export const mixpanelDataflowSchema: SchemaNode = {
  type: 'object',
  description:
    'MixpanelDataflow keeps an Adobe Experience Platform dataflow from a Mixpanel project in sync: ' +
    'base connection, source connection, target connection, mapping set and flow.',
  properties: {
    apiVersion: {
      type: 'string',
      description: 'Versioned schema of this representation of an object.',
    },
    kind: { type: 'string', description: 'REST resource this object represents.' },
    // The API server forbids anything but `type` here (metadata is implicitly specified).
    metadata: { type: 'object' } as SchemaNode,
    spec: specSchema,
    status: statusSchema,
  },
  required: ['spec'],
};

const condition = (type: string): string => `.status.conditions[?(@.type=="${type}")].status`;

/** Columns of `kubectl get mpdf` (priority 1 = only with `-o wide`). */
export const printerColumns: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: condition('Ready'),
    description: 'The chain exists and matches the spec.',
  },
  {
    name: 'Synced',
    type: 'string',
    jsonPath: condition('Synced'),
    description: 'The last reconcile succeeded.',
  },
  { name: 'Healthy', type: 'string', jsonPath: condition('Healthy'), description: 'Recent runs succeed.' },
  {
    name: 'Frequency',
    type: 'string',
    jsonPath: '.spec.schedule.frequency',
    description: 'How often the flow runs.',
  },
  {
    name: 'Flow ID',
    type: 'string',
    jsonPath: '.status.flow.id',
    description: 'Flow Service ID of the dataflow.',
    priority: 1,
  },
  {
    name: 'Last Run',
    type: 'string',
    jsonPath: '.status.lastRun.status',
    description: 'Status of the latest run.',
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
];

/** The CustomResourceDefinition for MixpanelDataflow (apiextensions.k8s.io/v1). */
export function buildCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
        categories: [...CATEGORIES],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: { openAPIV3Schema: mixpanelDataflowSchema },
        },
      ],
    },
  };
}
