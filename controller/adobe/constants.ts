/** Adobe ids and fixed values of the Mixpanel → data lake chain (fact sheet §3.2, §3.7, §10). */
export const ADOBE_IDS = {
  /** Mixpanel source connection spec. */
  mixpanelConnectionSpec: 'fd2c8ff3-1de0-4f6b-8fa8-4264784870eb',
  /** Data lake target connection spec (not the tutorial's copy-pasted Mixpanel id, §11.1). */
  dataLakeConnectionSpec: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c',
  /** RestStorageToAEP flow spec shared by Sources-SDK REST sources. */
  restStorageToAepFlowSpec: '6499120c-0b15-42dc-936e-847ea3c24d72',
} as const;

/** Fixed values of the request bodies. */
export const ADOBE_VALUES = {
  specVersion: '1.0',
  mixpanelAuthSpec: 'Basic Authentication',
  sourceFormat: 'json',
  targetFormat: 'parquet_xdm',
  xdmContentType: 'application/vnd.adobe.xed-full+json;version=1',
  mappingTransformation: 'Mapping',
  /** Flow Service code (FLOW-1100-400) used to relay a provider (Mixpanel) refusal. */
  providerErrorCode: '1100',
} as const;
