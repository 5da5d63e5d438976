package ai.thinkheads.phoenix.junit;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one test (or one test class) of {@link PhoenixExtension} was given, made on first use:
 * one fake, the simulator over that same fake once asked for, and each backend once asked for.
 * Closing closes what was made, backends first.
 */
final class Scope implements AutoCloseable {

    private final boolean schemaAudit;
    private FakeHypervisor fake;
    private SimulatedCluster cluster;
    private ProxmoxApi api;
    private QmHypervisor qm;
    private boolean closed;

    Scope(boolean schemaAudit) {
        this.schemaAudit = schemaAudit;
    }

    synchronized FakeHypervisor fake() {
        ensureOpen();
        if (fake == null) {
            fake = SimulatedCluster.newFake();
        }
        return fake;
    }

    synchronized SimulatedCluster cluster() {
        ensureOpen();
        if (cluster == null) {
            cluster = SimulatedCluster.serve(fake(), schemaAudit ? SchemaAudit.shared()::check : request -> Map.of());
        }
        return cluster;
    }

    synchronized ProxmoxApi api() {
        ensureOpen();
        if (api == null) {
            api = SimulatorBackends.api(cluster().simulator(), SimulatedCluster.NODE);
        }
        return api;
    }

    synchronized QmHypervisor qm() {
        ensureOpen();
        if (qm == null) {
            qm = SimulatorBackends.qm(cluster().simulator());
        }
        return qm;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this test's Phoenix resources are closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> order = new ArrayList<>();
        order.add(qm);
        order.add(api);
        order.add(cluster != null ? cluster : fake); // the cluster closes the fake too
        RuntimeException failure = null;
        for (AutoCloseable c : order) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + c + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
