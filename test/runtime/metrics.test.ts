import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../controller/metrics/metrics.js';

describe('the controller metrics', () => {
  it("exposes controller-runtime's names and labels, every known series starting at 0", async () => {
    const m = createMetrics({ controller: 'mixpaneldataflow', maxConcurrentReconciles: 4, leaseName: 'mdc' });
    const text = await m.registry.metrics();
    for (const result of ['success', 'error', 'requeue', 'requeue_after'])
      expect(text).toContain(
        `controller_runtime_reconcile_total{controller="mixpaneldataflow",result="${result}"} 0`,
      );
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="mixpaneldataflow"} 0');
    expect(text).toContain(
      'controller_runtime_terminal_reconcile_errors_total{controller="mixpaneldataflow"} 0',
    );
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="mixpaneldataflow"} 4');
    expect(text).toContain('controller_runtime_active_workers{controller="mixpaneldataflow"} 0');
    expect(text).toContain(
      'workqueue_depth{name="mixpaneldataflow",controller="mixpaneldataflow",priority=""} 0',
    );
    expect(text).toContain('workqueue_adds_total{name="mixpaneldataflow",controller="mixpaneldataflow"} 0');
    expect(text).toContain(
      'workqueue_retries_total{name="mixpaneldataflow",controller="mixpaneldataflow"} 0',
    );
    expect(text).toContain('leader_election_master_status{name="mdc"} 0');
    expect(text).toContain('# TYPE controller_runtime_reconcile_time_seconds histogram');
    expect(text).toContain('# TYPE workqueue_queue_duration_seconds histogram');
  });

  it('counts reconcile outcomes, errors, queue activity and leadership', async () => {
    const m = createMetrics({ controller: 'mixpaneldataflow', maxConcurrentReconciles: 4, leaseName: 'mdc' });
    m.controller.reconciled('success', 0.2);
    m.controller.reconciled('error', 0.1);
    m.controller.errored(true);
    m.queue.added();
    m.queue.retried();
    m.leader(true);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'controller_runtime_reconcile_total{controller="mixpaneldataflow",result="success"} 1',
    );
    expect(text).toContain(
      'controller_runtime_terminal_reconcile_errors_total{controller="mixpaneldataflow"} 1',
    );
    expect(text).toContain(
      'controller_runtime_reconcile_time_seconds_count{controller="mixpaneldataflow"} 2',
    );
    expect(text).toContain('workqueue_adds_total{name="mixpaneldataflow",controller="mixpaneldataflow"} 1');
    expect(text).toContain('leader_election_master_status{name="mdc"} 1');
  });
});
