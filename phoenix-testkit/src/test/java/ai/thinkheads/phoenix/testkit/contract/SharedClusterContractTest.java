package ai.thinkheads.phoenix.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HypervisorContract} as a live run plays it, on the fake: a cluster that already holds
 * VMs which are not the run's (100 running, 101 stopped, 102 a template), a VM left in the run's
 * range by an earlier run, and {@link LiveCluster#fixture} clearing that range and allowing only
 * it. After every test the foreign VMs are exactly as they were: nothing outside the range was
 * created, changed or destroyed.
 */
class SharedClusterContractTest extends HypervisorContract {

    private static final ContractFixture.VmidRange RANGE = new ContractFixture.VmidRange(500, 559);
    private static final LiveCluster LIVE = new LiveCluster("pve", RANGE, "local-lvm", "local", null,
            EnumSet.of(Capability.SNAPSHOTS, Capability.LINKED_CLONES));
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private FakeHypervisor hv;
    private Map<Integer, String> foreignBefore;

    private static void create(FakeHypervisor hv, int vmid) {
        hv.create(CreateRequest.of("pve", vmid, Map.of("name", "foreign-" + vmid, "memory", "512", "scsi0", "local-lvm:1")))
                .await(TIMEOUT);
    }

    /** The foreign VMs: VMID → state, template flag and config digest. */
    private static Map<Integer, String> foreign(FakeHypervisor hv) {
        Map<Integer, String> out = new TreeMap<>();
        for (VmSummary v : hv.listVms()) {
            if (!RANGE.contains(v.vmid())) {
                VmConfig config = hv.getConfig(v.ref());
                out.put(v.vmid(), v.state() + "/" + v.template() + "/" + config.digest());
            }
        }
        return out;
    }

    static FakeHypervisor sharedCluster() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        create(hv, 100);
        hv.start(VmRef.of("pve", 100)).await(TIMEOUT);
        create(hv, 101);
        create(hv, 102);
        hv.convertToTemplate(VmRef.of("pve", 102)).await(TIMEOUT);
        create(hv, 505); // left over by an earlier run, and running
        hv.start(VmRef.of("pve", 505)).await(TIMEOUT);
        return hv;
    }

    @Override
    protected ContractFixture fixture() {
        hv = sharedCluster();
        foreignBefore = foreign(hv);
        ContractFixture fx = LIVE.fixture(hv, TIMEOUT).withModel(hv);
        assertEquals(Optional.empty(), hv.findVm(505), "the run's range is cleared first");
        return fx;
    }

    @Override
    protected int statefulTries() {
        return 100;
    }

    @AfterEach
    void foreignVmsAreUntouched() {
        assertEquals(foreignBefore, foreign(hv));
        assertEquals(3, foreignBefore.size());
    }

    @Test
    void freeVmidsComeFromTheRangeAndRunOut() {
        ContractFixture fx = new ContractFixture(FakeHypervisor.singleNode(), "pve", "local-lvm", "local", null,
                ai.thinkheads.phoenix.hypervisor.TimeSource.system(), Set.of()).withVmids(new ContractFixture.VmidRange(100, 101));
        FakeHypervisor fake = (FakeHypervisor) fx.hypervisor();
        assertEquals(100, fx.freeVmid());
        create(fake, 100);
        assertEquals(101, fx.freeVmid());
        create(fake, 101);
        IllegalStateException e = assertThrows(IllegalStateException.class, fx::freeVmid);
        assertTrue(e.getMessage().contains("100-101"), e.getMessage());
        assertTrue(fx.owns(101));
        assertTrue(!fx.owns(102));
        assertEquals(PowerState.STOPPED, fake.findVm(100).orElseThrow().state());
    }

    @Test
    void theVariablesAreReadWithDefaultsAndMissingOnesAreNamed() {
        Map<String, String> env = Map.of("PHOENIX_PVE_NODE", "pve1", "PHOENIX_PVE_VMIDS", " 9900 - 9949 ",
                "PHOENIX_PVE_IMPORT", "local:import/a.qcow2");
        LiveCluster live = LiveCluster.from(env::get).orElseThrow();
        assertEquals(new ContractFixture.VmidRange(9900, 9949), live.vmids());
        assertEquals("local-lvm", live.imagesStorage());
        assertEquals(Set.of(Capability.SNAPSHOTS, Capability.LINKED_CLONES, Capability.IMPORT_FROM), live.capabilities());
        assertEquals(Optional.empty(), LiveCluster.from(Map.of("PHOENIX_PVE_NODE", "pve1")::get));
        assertEquals(List.of("PHOENIX_PVE_VMIDS"), LiveCluster.missing(LiveCluster.REQUIRED, Map.of("PHOENIX_PVE_NODE", "x")::get));
        assertThrows(IllegalArgumentException.class, () -> ContractFixture.VmidRange.parse("99-120"));
        assertThrows(IllegalArgumentException.class, () -> ContractFixture.VmidRange.parse("9949-9900"));
        assertThrows(IllegalArgumentException.class, () -> LiveCluster.from(Map.of("PHOENIX_PVE_NODE", "pve1",
                "PHOENIX_PVE_VMIDS", "9900-9949", "PHOENIX_PVE_CAPABILITIES", "TELEPORT")::get));
    }
}
