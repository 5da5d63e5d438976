package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.ForwardingHypervisor;
import ai.thinkheads.phoenix.testkit.contract.Capability;
import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;

import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import java.util.EnumSet;

/**
 * The {@link HypervisorContract} against {@link QmHypervisor} talking over real SSH to the PVE
 * simulator's SSH face, whose {@code qm}/{@code pvesh} interpreter serves a fresh fake cluster per
 * test. The host key is pinned to the simulator's fingerprint, as a user pins a node's.
 */
class QmBackendContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        FakeHypervisor fake = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(5))
                .guestBootDelay(Duration.ofMillis(50))
                .build();
        String image = fake.cluster().addVolume("pve", "local", "import/debian-12-genericcloud-amd64.qcow2", 2L << 30);
        PveSimulator sim = PveSimulator.builder().hypervisor(fake).requestValidator(SchemaAudit.shared()::check).build().start();
        QmHypervisor qm = QmHypervisor.builder()
                .host("127.0.0.1").port(sim.sshPort())
                .user("root").password(sim.rootPassword())
                .hostKeyFingerprint(sim.sshHostKeyFingerprint())
                .node(sim.sshNode())
                .build();
        Hypervisor backend = new ForwardingHypervisor() {
            @Override
            protected Hypervisor delegate() {
                return qm;
            }

            @Override
            public void close() {
                try {
                    qm.close();
                } finally {
                    sim.close();
                    fake.close();
                }
            }
        };
        return new ContractFixture(backend, "pve", "local-lvm", "local", image, TimeSource.system(),
                EnumSet.allOf(Capability.class));
    }

    /**
     * Each try is a new simulator, host key and SSH session, and every operation a qm command over
     * loopback (about 2.5 s a try on 2 cores): fewer tries than the in-memory fake's 1000, to keep
     * the whole build within its time budget.
     */
    @Override
    protected int statefulTries() {
        return 25;
    }

    /**
     * Every qm/pvesh command line became API requests inside the simulator's SSH face (qm options
     * are the API's parameters) and was checked against the PVE 8.4 and 9.1 schemas there.
     */
    @AfterAll
    static void everyCommandLineFitsBothSchemas() {
        SchemaAudit audit = SchemaAudit.shared();
        audit.writeReport(Path.of("target", "schema-audit.txt"));
        System.out.println("schema audit: " + audit.checkedCount() + " qm/pvesh calls checked against PVE 8.4 and 9.1, "
                + audit.distinctRequests().size() + " distinct; report in target/schema-audit.txt");
        assertTrue(audit.checkedCount() > 0, "the simulator saw commands");
        assertEquals(List.of(), audit.refusedExcept(r -> provokedRejection(r.params())));
    }
}
