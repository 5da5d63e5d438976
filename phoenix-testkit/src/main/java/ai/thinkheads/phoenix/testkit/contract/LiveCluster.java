package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * What a live contract run against a real Proxmox VE is given, from environment variables, and
 * the one place that clears the VMIDs it owns. Each backend's live test reads its own connection
 * variables (the API's URL and token, or SSH's host and key) and is skipped, naming the missing
 * ones ({@link Required}), when they or the variables below are not set.
 *
 * <table>
 *   <caption>variables every live run reads</caption>
 *   <tr><th>variable</th><th>meaning</th></tr>
 *   <tr><td>{@code PHOENIX_PVE_NODE}</td><td>the node to create VMs on</td></tr>
 *   <tr><td>{@code PHOENIX_PVE_VMIDS}</td><td>the VMIDs the run owns, {@code first-last}
 *       (e.g. {@code 9900-9949}): every VM in that range on the node is destroyed before each test
 *       and after the run; no other VMID is ever created, changed or destroyed</td></tr>
 *   <tr><td>{@code PHOENIX_PVE_STORAGE}</td><td>optional: the storage for disks ({@code local-lvm})</td></tr>
 *   <tr><td>{@code PHOENIX_PVE_FILE_STORAGE}</td><td>optional: a storage without {@code images}
 *       content for the file tests (files named {@code contract-*}); without it they are skipped</td></tr>
 *   <tr><td>{@code PHOENIX_PVE_IMPORT}</td><td>optional: a volume to import disks from
 *       ({@code local:import/noble-server-cloudimg-amd64.img}); declares {@link Capability#IMPORT_FROM}</td></tr>
 *   <tr><td>{@code PHOENIX_PVE_CAPABILITIES}</td><td>optional: what the storage offers, a comma list of
 *       {@link Capability} names; {@code SNAPSHOTS,LINKED_CLONES} by default (lvm-thin, ZFS, Ceph)</td></tr>
 * </table>
 *
 * @param node the node
 * @param vmids the VMIDs this run owns
 * @param imagesStorage the storage for disks
 * @param fileStorage the storage for files, or null
 * @param importSource the volume to import disks from, or null
 * @param capabilities what the cluster offers the contract
 */
public record LiveCluster(String node, ContractFixture.VmidRange vmids, String imagesStorage, String fileStorage,
                          String importSource, Set<Capability> capabilities) {

    public LiveCluster {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(vmids, "vmids");
        Objects.requireNonNull(imagesStorage, "imagesStorage");
        capabilities = Set.copyOf(capabilities);
    }

    /** The variables every live run needs, besides its backend's own. */
    public static final List<String> REQUIRED = List.of("PHOENIX_PVE_NODE", "PHOENIX_PVE_VMIDS");

    /** The live cluster the environment names, or empty when {@link #REQUIRED} are not all set. */
    public static Optional<LiveCluster> fromEnvironment() {
        return from(System::getenv);
    }

    /** As {@link #fromEnvironment()}, from {@code env}. */
    public static Optional<LiveCluster> from(Function<String, String> env) {
        if (!missing(REQUIRED, env).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LiveCluster(env.apply("PHOENIX_PVE_NODE").strip(),
                ContractFixture.VmidRange.parse(env.apply("PHOENIX_PVE_VMIDS")),
                Optional.ofNullable(blankToNull(env.apply("PHOENIX_PVE_STORAGE"))).orElse("local-lvm"),
                blankToNull(env.apply("PHOENIX_PVE_FILE_STORAGE")), blankToNull(env.apply("PHOENIX_PVE_IMPORT")),
                capabilities(env.apply("PHOENIX_PVE_CAPABILITIES"), env.apply("PHOENIX_PVE_IMPORT"))));
    }

    /** The value of environment variable {@code name}, or null when it is not set or blank. */
    public static String env(String name) {
        return blankToNull(System.getenv(name));
    }

    /** Which of {@code variables} are not set (or blank) in {@code env}. */
    public static List<String> missing(List<String> variables, Function<String, String> env) {
        return variables.stream().filter(v -> blankToNull(env.apply(v)) == null).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Set<Capability> capabilities(String text, String importSource) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        String list = blankToNull(text) == null ? "SNAPSHOTS,LINKED_CLONES" : text;
        for (String word : list.split("[,\\s]+")) {
            if (!word.isEmpty()) {
                try {
                    out.add(Capability.valueOf(word.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("PHOENIX_PVE_CAPABILITIES: no capability '" + word + "' (one of "
                            + Arrays.toString(Capability.values()) + ")", e);
                }
            }
        }
        if (blankToNull(importSource) != null) {
            out.add(Capability.IMPORT_FROM);
        }
        return out;
    }

    /**
     * The contract's fixture over {@code hv}: the VMIDs of this run cleared first (see
     * {@link #clear}), and only they allowed. Real time: the contract waits as a client does.
     */
    public ContractFixture fixture(Hypervisor hv, Duration taskTimeout) {
        clear(hv, taskTimeout);
        return new ContractFixture(hv, node, imagesStorage, fileStorage, importSource, TimeSource.system(), capabilities)
                .withVmids(vmids);
    }

    /**
     * Destroys every VM on {@link #node()} whose VMID is in {@link #vmids()}: stops it when it is
     * not stopped, then destroys it with its disks; linked clones (higher VMIDs, as the contract
     * allocates them) before their templates. A VM that resists is tried again once; what still
     * remains is an error naming it. No other VM is touched.
     */
    public void clear(Hypervisor hv, Duration taskTimeout) {
        for (int pass = 0; pass < 2; pass++) {
            List<HypervisorException> failures = new ArrayList<>();
            List<VmSummary> owned = hv.listVms().stream()
                    .filter(v -> v.node().equals(node) && vmids.contains(v.vmid()))
                    .sorted(Comparator.comparingInt(VmSummary::vmid).reversed()).toList();
            if (owned.isEmpty()) {
                return;
            }
            for (VmSummary vm : owned) {
                try {
                    if (vm.state() != PowerState.STOPPED) {
                        hv.stop(vm.ref()).await(taskTimeout);
                    }
                    hv.destroy(vm.ref(), DestroyOptions.everything()).await(taskTimeout);
                } catch (HypervisorException e) {
                    failures.add(e);
                }
            }
            if (pass == 1 && !failures.isEmpty()) {
                throw new IllegalStateException("could not clear the VMIDs " + vmids + " on " + node + ": "
                        + failures.get(0).getMessage(), failures.get(0));
            }
        }
    }

    /**
     * Skips a jqwik container and its properties (the stateful contract property) when a variable
     * of {@link #variables()} is not set; Jupiter tests use {@code @EnabledIfEnvironmentVariable}
     * for the same. A backend's live test extends it with its own variables and registers it with
     * {@code @AddLifecycleHook}.
     */
    public abstract static class Required implements SkipExecutionHook {
        /** All the variables the run needs: {@link LiveCluster#REQUIRED} and the backend's. */
        protected abstract List<String> variables();

        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            List<String> missing = missing(variables(), System::getenv);
            return missing.isEmpty() ? SkipResult.doNotSkip()
                    : SkipResult.skip("no live Proxmox VE: set " + String.join(", ", missing) + " (see README)");
        }

        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS;
        }
    }
}
