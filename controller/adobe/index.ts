/** Adapter wiring the Flow Service client to the reconcile engine's AdobePort. */
export { createAdobeConnector, type AdobeConnectorHandle, type ConnectorSettings } from './connector.js';
export { flowServicePort } from './port.js';
export { toReconcileError } from './errors.js';
export { ADOBE_IDS, ADOBE_VALUES } from './constants.js';
