import { describe, expect, it } from '@jest/globals';
import { runOwner } from '../../bench/soak/run-owner.js';

const UID = '71bd905e-e829-4457-89a8-7201b27906aa';
const OTHER = '0409d913-632c-4093-a2e3-71d803fff562';

// Found by the soak (issue 16): a flow stranded when its source connection was deleted in Adobe ran
// once and was replaced between two monitor snapshots; its run was attributed to nobody, so the
// controller's correct count of 1 was reported as a double count against 0 produced.
describe('run ledger attribution', () => {
  const uids = new Map([['df-004', UID]]);

  it('prefers the ids seen in status or inventory', () => {
    const ids = new Map([['flow-1', OTHER]]);
    expect(runOwner('flow-1', { sourceConnectionName: `mpdf-${UID}-source-ab` }, ids, uids, 'soak')).toBe(
      OTHER,
    );
    expect(runOwner('flow-1', { sourceConnectionId: 'src-1' }, new Map([['src-1', UID]]), uids, 'soak')).toBe(
      UID,
    );
  });

  it('falls back to the source connection name the ledger read at the first run', () => {
    expect(
      runOwner('flow-2', { sourceConnectionName: `mpdf-${UID}-source-1f2e3d` }, new Map(), uids, 'soak'),
    ).toBe(UID);
  });

  it('then to the default flow description, in the soak namespace only', () => {
    const described = { flowDescription: 'Managed by the MixpanelDataflow controller for soak/df-004' };
    expect(runOwner('flow-3', described, new Map(), uids, 'soak')).toBe(UID);
    expect(runOwner('flow-3', described, new Map(), uids, 'other')).toBeUndefined();
    expect(runOwner('flow-4', { flowDescription: 'my own words' }, new Map(), uids, 'soak')).toBeUndefined();
  });
});
