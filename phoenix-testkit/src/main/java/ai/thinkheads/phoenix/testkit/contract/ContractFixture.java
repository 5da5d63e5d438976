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
 * @param vmids the only VMIDs the contract may create, change or destroy (a real cluster shared
 *     with other VMs), or null when the whole cluster is the test's (a fresh fake). See
 *     {@link #withVmids} and {@link #freeVmid()}.
 */
public record ContractFixture(Hypervisor hypervisor, String node, String imagesStorage, String nonImagesStorage,
                              String importSource, TimeSource time, Set<Capability> capabilities,
                              FakeHypervisor model, VmidRange vmids) {

    /** A fixture without a model behind it (a real cluster). */
    public ContractFixture(Hypervisor hypervisor, String node, String imagesStorage, String nonImagesStorage,
                           String importSource, TimeSource time, Set<Capability> capabilities) {
        this(hypervisor, node, imagesStorage, nonImagesStorage, importSource, time, capabilities, null, null);
    }

    /** A fixture whose whole cluster is the test's. */
    public ContractFixture(Hypervisor hypervisor, String node, String imagesStorage, String nonImagesStorage,
                           String importSource, TimeSource time, Set<Capability> capabilities, FakeHypervisor model) {
        this(hypervisor, node, imagesStorage, nonImagesStorage, importSource, time, capabilities, model, null);
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
                Objects.requireNonNull(value, "model"), vmids);
    }

    /** The same fixture, allowed only the VMIDs in {@code range} (a real cluster). */
    public ContractFixture withVmids(VmidRange range) {
        return new ContractFixture(hypervisor, node, imagesStorage, nonImagesStorage, importSource, time, capabilities,
                model, Objects.requireNonNull(range, "range"));
    }

    /** Whether the contract may touch {@code vmid}: always on a fake, only inside {@link #vmids()} otherwise. */
    public boolean owns(int vmid) {
        return vmids == null || vmids.contains(vmid);
    }

    /**
     * A VMID to create a VM with: the cluster's {@code nextFreeVmid()} when the whole cluster is the
     * test's, else the lowest VMID of {@link #vmids()} that no VM in the cluster has.
     */
    public int freeVmid() {
        if (vmids == null) {
            return hypervisor.nextFreeVmid();
        }
        Set<Integer> taken = new java.util.HashSet<>();
        hypervisor.listVms().forEach(v -> taken.add(v.vmid()));
        for (int id = vmids.first(); id <= vmids.last(); id++) {
            if (!taken.contains(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free VMID left in " + vmids);
    }

    /**
     * VMIDs {@code first} to {@code last}, both included.
     *
     * @param first the lowest (at least 100)
     * @param last the highest (at most 999999999)
     */
    public record VmidRange(int first, int last) {
        public VmidRange {
            if (first < 100 || last > 999_999_999 || last < first) {
                throw new IllegalArgumentException("not a VMID range: " + first + "-" + last);
            }
        }

        /** {@code 9900-9949}. */
        public static VmidRange parse(String text) {
            String[] parts = text.strip().split("\\s*-\\s*");
            try {
                if (parts.length == 2) {
                    return new VmidRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("a VMID range is written first-last, e.g. 9900-9949, not '" + text + "'");
        }

        public boolean contains(int vmid) {
            return vmid >= first && vmid <= last;
        }

        @Override
        public String toString() {
            return first + "-" + last;
        }
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
