package ai.thinkheads.phoenix.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * PhoenixExtension's lifecycle and injection: small test classes (nested here, so surefire does not
 * run them on their own) are run through the JUnit launcher; what they were given is recorded and
 * checked once they are over.
 */
class PhoenixExtensionTest {

    /** What one fixture test was given. */
    record Seen(FakeHypervisor fake, PveSimulator simulator, ProxmoxApi api, QmHypervisor qm, int httpPort, int sshPort) {
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    static final List<FakeHypervisor> FAKES = new CopyOnWriteArrayList<>();

    private static TestExecutionSummary run(Class<?> fixture) {
        SEEN.clear();
        FAKES.clear();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        StringBuilder failures = new StringBuilder();
        summary.getFailures().forEach(f -> failures.append(f.getTestIdentifier().getDisplayName()).append(": ")
                .append(f.getException()).append('\n'));
        assertEquals(0, summary.getTotalFailureCount(), failures.toString());
        return summary;
    }

    private static Seen record(FakeHypervisor fake, PveSimulator sim, ProxmoxApi api, QmHypervisor qm) {
        Seen seen = new Seen(fake, sim, api, qm, sim.httpPort(), sim.sshPort());
        SEEN.add(seen);
        return seen;
    }

    private static void assertClosed(Seen seen) {
        TransportException fakeClosed = assertThrows(TransportException.class, seen.fake()::listVms);
        assertTrue(fakeClosed.getMessage().contains("closed"), fakeClosed.getMessage());
        assertRefused(seen.httpPort());
        assertRefused(seen.sshPort());
        assertThrows(RuntimeException.class, seen.api()::listVms);
        assertThrows(RuntimeException.class, seen.qm()::listVms);
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getInputStream();
            } catch (ConnectException e) {
                throw e;
            } catch (IOException e) {
                throw new AssertionError("port " + port + " still answers", e);
            }
        });
    }

    // ---- per test -----------------------------------------------------------------------------

    @ExtendWith(PhoenixExtension.class)
    static class PerTestFixture {
        @Test
        void first(FakeHypervisor fake, PveSimulator sim, ProxmoxApi api, QmHypervisor qm) {
            record(fake, sim, api, qm);
            // one scope, one cluster: a VM made over HTTPS is in the fake and seen over SSH
            int vmid = api.nextFreeVmid();
            assertEquals(List.of(), api.listVms());
            fake.cluster().createVm(SimulatedCluster.NODE, vmid, Map.of("name", "made-by-fake"));
            assertEquals(List.of("made-by-fake"), api.listVms().stream().map(VmSummary::name).toList());
            assertEquals(List.of("made-by-fake"), qm.listVms().stream().map(VmSummary::name).toList());
        }

        @Test
        void second(FakeHypervisor fake, PveSimulator sim, ProxmoxApi api, QmHypervisor qm) {
            record(fake, sim, api, qm);
            assertEquals(List.of(), api.listVms(), "a fresh cluster per test");
        }
    }

    @Test
    void perTestEveryTestGetsItsOwnClusterClosedAfterIt() {
        TestExecutionSummary summary = run(PerTestFixture.class);
        assertEquals(2, summary.getTestsSucceededCount());
        assertEquals(2, SEEN.size());
        assertNotSame(SEEN.get(0).fake(), SEEN.get(1).fake());
        assertNotSame(SEEN.get(0).simulator(), SEEN.get(1).simulator());
        SEEN.forEach(PhoenixExtensionTest::assertClosed);
    }

    // ---- per class ----------------------------------------------------------------------------

    static class PerClassFixture {
        @RegisterExtension
        static final PhoenixExtension PHOENIX = PhoenixExtension.create();

        @BeforeAll
        static void before(FakeHypervisor fake) {
            FAKES.add(fake);
        }

        @Test
        void first(FakeHypervisor fake, PveSimulator sim, ProxmoxApi api, QmHypervisor qm) {
            record(fake, sim, api, qm);
            assertSame(fake, PHOENIX.fake());
            assertSame(api, PHOENIX.api());
            assertSame(qm, PHOENIX.qm());
        }

        @Test
        void second(FakeHypervisor fake, PveSimulator sim, ProxmoxApi api, QmHypervisor qm) {
            record(fake, sim, api, qm);
        }
    }

    @Test
    void perClassOneClusterForTheClassClosedAfterIt() {
        TestExecutionSummary summary = run(PerClassFixture.class);
        assertEquals(2, summary.getTestsSucceededCount());
        assertEquals(2, SEEN.size());
        Seen a = SEEN.get(0);
        Seen b = SEEN.get(1);
        assertSame(FAKES.get(0), a.fake(), "@BeforeAll was given the class's fake");
        assertSame(a.fake(), b.fake());
        assertSame(a.simulator(), b.simulator());
        assertSame(a.api(), b.api());
        assertSame(a.qm(), b.qm());
        assertClosed(a);
    }

    // ---- the field, per test, fake only -------------------------------------------------------

    static class FieldFixture {
        @RegisterExtension
        final PhoenixExtension phoenix = new PhoenixExtension();

        @Test
        void fakeOnly(FakeHypervisor fake) {
            assertSame(fake, phoenix.fake());
            FAKES.add(fake);
            assertEquals(List.of(SimulatedCluster.NODE), fake.listNodes().stream().map(n -> n.node()).toList());
        }
    }

    @Test
    void anInstanceFieldIsPerTestAndAFakeAloneStartsNoSimulator() {
        run(FieldFixture.class);
        assertEquals(1, FAKES.size());
        assertThrows(TransportException.class, FAKES.get(0)::listVms);
    }

    // ---- misuse --------------------------------------------------------------------------------

    @ExtendWith(PhoenixExtension.class)
    static class ConstructorPerTestFixture {
        ConstructorPerTestFixture(FakeHypervisor fake) {
            FAKES.add(fake);
        }

        @Test
        void never() {
        }
    }

    @Test
    void perTestResourcesCannotGoIntoTheConstructor() {
        SEEN.clear();
        FAKES.clear();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(ConstructorPerTestFixture.class)).build(), listener);
        assertEquals(1, listener.getSummary().getTotalFailureCount());
        Throwable failure = listener.getSummary().getFailures().get(0).getException();
        assertTrue(failure.getMessage().contains("static @RegisterExtension"), failure.getMessage());
        assertEquals(List.of(), FAKES);
    }
}
