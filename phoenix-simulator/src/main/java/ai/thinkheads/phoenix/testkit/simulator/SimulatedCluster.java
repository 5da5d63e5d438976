package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.ForwardingHypervisor;
import ai.thinkheads.phoenix.testkit.contract.Capability;
import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.model.GuestImage;
import ai.thinkheads.phoenix.testkit.model.GuestImages;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Function;

/**
 * A fresh one-node fake cluster served by a {@link PveSimulator}, set up the way backend tests
 * need it: a wall clock with short task durations, a cloud image to import, and every request
 * checked against the PVE 8.4 and 9.1 schemas by {@link SchemaAudit#shared()}.
 *
 * <pre>{@code
 * SimulatedCluster cluster = SimulatedCluster.start();
 * ProxmoxApi api = ...baseUrl(cluster.simulator().url())...;
 * return cluster.contractFixture(api);   // closing the fixture's hypervisor closes all three
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

    /** The node of the cluster. */
    public static final String NODE = "pve";

    private static final String IMPORT_VOLUME_NAME = "import/debian-12-genericcloud-amd64.qcow2";

    /** The volume id of the cloud image {@link #newFake()} puts on {@code local}. */
    public static final String IMPORT_IMAGE = "local:" + IMPORT_VOLUME_NAME;

    private final FakeHypervisor fake;
    private final PveSimulator simulator;
    private final String importImage;

    private SimulatedCluster(FakeHypervisor fake, PveSimulator simulator, String importImage) {
        this.fake = fake;
        this.simulator = simulator;
        this.importImage = importImage;
    }

    /** Starts a cluster: node {@code pve} with {@code local} and {@code local-lvm}, HTTPS and SSH faces. */
    public static SimulatedCluster start() {
        return serve(newFake(), SchemaAudit.shared()::check);
    }

    /**
     * A fresh fake set up to be served by a simulator: node {@value #NODE} with {@code local} and
     * {@code local-lvm}, a wall clock with short task durations, and a cloud image with the guest
     * agent on {@code local} ({@link #IMPORT_IMAGE}) to import disks from.
     */
    public static FakeHypervisor newFake() {
        FakeHypervisor fake = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(5))
                .guestBootDelay(Duration.ofMillis(50))
                .cloudInitDuration(Duration.ofMillis(100), Duration.ofMillis(10))
                // the import image ships qemu-guest-agent, so the contract's GUEST_AGENT holds; the
                // stock Ubuntu cloud image (*cloudimg*) stays faithful: no agent
                .guestImages(GuestImages.stock().with("debian-12-genericcloud",
                        GuestImage.ubuntuNobleCloud().withPackages("cloud image with qemu-guest-agent", "qemu-guest-agent")))
                .build();
        String volid = fake.cluster().addVolume(NODE, "local", IMPORT_VOLUME_NAME, 2L << 30);
        if (!volid.equals(IMPORT_IMAGE)) {
            throw new IllegalStateException("the model named the import image " + volid + ", not " + IMPORT_IMAGE);
        }
        return fake;
    }

    /**
     * Starts a simulator over {@code fake} (made by {@link #newFake()}), every request checked by
     * {@code requestValidator} ({@code request -> Map.of()} checks nothing; {@code SchemaAudit.shared()::check}
     * needs the reference schemas, see {@code PveApiReference}). Closing the cluster closes the fake.
     */
    public static SimulatedCluster serve(FakeHypervisor fake, Function<ApiRequest, Map<String, String>> requestValidator) {
        PveSimulator sim = PveSimulator.over(fake.cluster()).requestValidator(requestValidator).build().start();
        return new SimulatedCluster(fake, sim, IMPORT_IMAGE);
    }

    public FakeHypervisor fake() {
        return fake;
    }

    public PveSimulator simulator() {
        return simulator;
    }

    /** A volume id of a cloud image on {@code local} to import disks from. */
    public String importImage() {
        return importImage;
    }

    /**
     * A contract fixture with {@code backend} talking to this cluster, every capability declared;
     * when the contract closes the hypervisor, the backend and this cluster are closed too.
     */
    public ContractFixture contractFixture(Hypervisor backend) {
        Hypervisor closingAll = new ForwardingHypervisor() {
            @Override
            protected Hypervisor delegate() {
                return backend;
            }

            @Override
            public void close() {
                try {
                    backend.close();
                } finally {
                    SimulatedCluster.this.close();
                }
            }
        };
        return new ContractFixture(closingAll, NODE, "local-lvm", "local", importImage, TimeSource.system(),
                EnumSet.allOf(Capability.class)).withModel(fake);
    }

    @Override
    public void close() {
        try {
            simulator.close();
        } finally {
            fake.close();
        }
    }
}
