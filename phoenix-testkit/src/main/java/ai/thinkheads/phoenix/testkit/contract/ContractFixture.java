package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a backend hands the {@link HypervisorContract}: a fresh hypervisor over a cluster without
 * VMs the tests could collide with, and the facts the tests need about that cluster.
 *
 * @param hypervisor the backend under test; the contract closes it after each test
 * @param node a node to create VMs on
 * @param imagesStorage a storage on {@code node} with {@code images} content and room for a few
 *     dozen small disks
 * @param nonImagesStorage a storage on {@code node} without {@code images} content, or null to skip
 *     the test that needs one
 * @param importSource a volume id to import disks from ({@link Capability#IMPORT_FROM}; with
 *     {@link Capability#GUEST_AGENT} an image that ships qemu-guest-agent), or null
 * @param time the time source to wait with ({@code Task.await} and agent polling)
 * @param capabilities the optional behaviour the backend offers
 * @param model the fake cluster behind the backend (the fake itself, or the one the simulator
 *     serves), or null when there is none (a real cluster). The failure-rule tests use it as a second
 *     client that holds a VM's lock with a long task, and for its fault hooks (a task that ends with
 *     warnings); they are skipped without it. See {@link #withModel}.
 */
public record ContractFixture(Hypervisor hypervisor, String node, String imagesStorage, String nonImagesStorage,
                              String importSource, TimeSource time, Set<Capability> capabilities,
                              FakeHypervisor model) {

    /** A fixture without a model behind it (a real cluster). */
    public ContractFixture(Hypervisor hypervisor, String node, String imagesStorage, String nonImagesStorage,
                           String importSource, TimeSource time, Set<Capability> capabilities) {
        this(hypervisor, node, imagesStorage, nonImagesStorage, importSource, time, capabilities, null);
    }

    public ContractFixture {
        Objects.requireNonNull(hypervisor, "hypervisor");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(imagesStorage, "imagesStorage");
        Objects.requireNonNull(time, "time");
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        if (capabilities.contains(Capability.IMPORT_FROM) && importSource == null) {
            throw new IllegalArgumentException("IMPORT_FROM needs an importSource");
        }
        if (capabilities.contains(Capability.GUEST_AGENT) && importSource == null) {
            throw new IllegalArgumentException("GUEST_AGENT needs an importSource whose image ships the agent");
        }
    }

    /** The same fixture with the fake cluster behind its hypervisor. */
    public ContractFixture withModel(FakeHypervisor value) {
        return new ContractFixture(hypervisor, node, imagesStorage, nonImagesStorage, importSource, time, capabilities,
                Objects.requireNonNull(value, "model"));
    }

    public Optional<FakeHypervisor> modelIfAny() {
        return Optional.ofNullable(model);
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    public Optional<String> nonImagesStorageIfAny() {
        return Optional.ofNullable(nonImagesStorage);
    }
}
