package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link QmHypervisor#getConfigs} reads every config file in one SSH command and gives the same
 * values and digest as {@code pvesh get .../config} ({@link QmHypervisor#getConfig}) for each VM:
 * descriptions with several lines and %-encoded characters, pending changes and deletions of a
 * running VM, snapshots sections.
 */
class BatchedConfigReadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private SimulatedCluster cluster;
    private QmHypervisor qm;

    @BeforeEach
    void start() {
        cluster = SimulatedCluster.start();
        PveSimulator sim = cluster.simulator();
        qm = QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                        .user("root").password(sim.rootPassword())
                        .hostKeyFingerprint(sim.sshHostKeyFingerprint()).build())
                .node(sim.sshNode()).build();
    }

    @AfterEach
    void stop() {
        qm.close();
        cluster.close();
    }

    @Test
    void oneCommandReadsWhatPveshReadsForEveryVm() {
        FakeHypervisor fake = cluster.fake();
        String node = SimulatedCluster.NODE;
        List<VmRef> refs = new ArrayList<>();
        for (int id = 200; id < 206; id++) {
            fake.create(CreateRequest.of(node, id, Map.of("name", "vm-" + id, "memory", "1024", "cores", "2",
                    "scsi0", "local-lvm:1", "net0", "virtio,bridge=vmbr0", "tags", "phoenix-managed",
                    "description", "line one: 100% sure\nline two ü"))).await(WAIT);
            refs.add(VmRef.of(node, id));
        }
        // a running VM with a pending (non-hotpluggable) change and a pending deletion, and a snapshot
        VmRef busy = refs.get(2);
        fake.createSnapshot(busy, "before", "a snapshot", false).await(WAIT);
        fake.start(busy).await(WAIT);
        fake.updateConfig(busy, new ConfigUpdate(Map.of("cores", "4"), java.util.Set.of("net0"), null)).await(WAIT);
        VmRef missing = VmRef.of(node, 999);
        List<VmRef> asked = new ArrayList<>(refs);
        asked.add(missing);

        long before = cluster.simulator().sshCommandCount();
        Map<Integer, VmConfig> batch = qm.getConfigs(asked, 8);
        long commands = cluster.simulator().sshCommandCount() - before;

        assertEquals(1, commands, "one remote command for all configs");
        assertFalse(batch.containsKey(999), "a VM without a config file is left out");
        assertEquals(refs.size(), batch.size());
        for (VmRef ref : refs) {
            VmConfig viaPvesh = qm.getConfig(ref);
            assertEquals(viaPvesh, batch.get(ref.vmid()), "VM " + ref.vmid());
        }
        VmConfig pending = batch.get(busy.vmid());
        assertEquals("4", pending.values().get("cores"), "pending values are shown applied, as GET config does");
        assertFalse(pending.values().containsKey("net0"), "pending deletions are removed");
        assertTrue(cluster.fake().cluster().configFileText(node, busy.vmid()).contains("[before]"), "the file has a snapshot section");
    }
}
