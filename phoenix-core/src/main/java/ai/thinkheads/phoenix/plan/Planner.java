package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.definition.DefinitionNotice;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.feature.FeatureException;
import ai.thinkheads.phoenix.feature.ResolvedFeatures;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.PendingChange;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the cluster through a {@link Hypervisor} and works out a {@link Plan}: what to create,
 * clone, change, grow, start, snapshot, convert and delete so that the cluster holds the
 * definitions. Planning only reads; {@link Applier} acts.
 *
 * <pre>{@code
 * Planner planner = new Planner(hypervisor, PlanOptions.defaults(), TimeSource.system());
 * Plan plan = planner.plan(definitions);
 * System.out.println(plan.render());
 * }</pre>
 *
 * <h2>Which VM is which</h2>
 * A definition with a VMID is the VM with that VMID; one without is the VM of that name that
 * carries the ownership tag ({@link PlanOptions#ownerTag()}). Phoenix changes or deletes only VMs
 * that carry the tag or that the user adopted by VMID ({@link PlanOptions.Builder#adopt}); adopting
 * adds the tag. A VMID or name held by a VM Phoenix does not own is a {@link Refusal.Reason#CONFLICT},
 * never a takeover. One exception keeps an interrupted apply from leaving a stranger behind: a clone
 * Phoenix started carries {@link #cloneMarker} as its description until its first config update
 * tags it.
 *
 * <h2>What is planned for a VM</h2>
 * A new VM: {@link ChangeKind#CREATE} (a template is created as one) or {@link ChangeKind#CLONE}
 * followed by the config its template does not already give, grows, declared snapshots
 * ({@link VmDefinition#snapshots()} before/after features; features are not applied yet) and
 * {@link ChangeKind#START} when the spec says {@code start}. An existing VM: one digest-guarded
 * {@link ChangeKind#UPDATE_CONFIG} with the keys that differ ({@link ConfigDiff} says how values are
 * compared), grows, a start when {@code start} is declared and the VM is stopped, and a reboot only
 * with {@link PlanOptions#rebootForPendingChanges()}. Destructive differences (another disk storage,
 * a disk no longer declared, another node, template ↔ VM) become a {@link VmPlan.Action#REPLACE}
 * (stop, destroy, create again with the same VMID) when allowed for that VM, a refusal otherwise; a
 * shrinking disk is always a refusal.
 *
 * <h2>Placement</h2>
 * A new VM without a node goes where {@link Placement} finds room, counting what the plan itself
 * places; a linked clone goes to its template's node. No room is a
 * {@link Refusal.Reason#NO_CAPACITY} refusal, found before anything is created; a storage the
 * definition names that the node does not have is a {@link Refusal.Reason#MISSING_DEPENDENCY} that
 * says so, with the node's storages. So is a file it names (an import image, an ISO on a CD-ROM, a
 * snippet) that is not on its storage ({@link NamedVolumes}), by the volume's name.
 *
 * <h2>Order</h2>
 * VMs come after their template and their {@code dependsOn}; a cycle throws
 * {@link DependencyCycleException}. Deletions of owned VMs that left the definitions (only with
 * {@link PlanOptions#pruneOwned()}) come last, clones before templates.
 */
public final class Planner {

    /** The prefix of the tag that says a VM's guest was brought up ({@link ChangeKind#MARK_PROVISIONED}). */
    public static final String PROVISIONED_TAG_PREFIX = "phoenix-provisioned-";

    private static final Duration LOCK_POLL = Duration.ofSeconds(2);
    private static final int READ_ATTEMPTS = 3;

    private final Hypervisor hypervisor;
    private final PlanOptions options;
    private final TimeSource time;

    /** A planner over {@code hypervisor} that reads time from and waits on {@code time}. */
    public Planner(Hypervisor hypervisor, PlanOptions options, TimeSource time) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.options = Objects.requireNonNull(options, "options");
        this.time = Objects.requireNonNull(time, "time");
    }

    public PlanOptions options() {
        return options;
    }

    /** The description a clone carries between its clone task and its first config update. */
    public static String cloneMarker(String ownerTag) {
        return ownerTag + ": cloned by Phoenix, settings not applied yet";
    }

    /**
     * Plans {@code desired} against the cluster as it is now.
     *
     * @throws DuplicateDefinitionException when two definitions share a name or VMID
     * @throws DependencyCycleException when the definitions depend on each other in a cycle
     */
    public Plan plan(List<VmDefinition> desired) {
        checkUnique(desired);
        List<VmDefinition> ordered = DependencyOrder.sort(desired);
        Map<String, List<String>> edges = DependencyOrder.edges(desired);
        Concern concern = Concern.of(desired);
        Context ctx = new Context(readVms(concern), concern);
        ctx.prefetch(desired);
        for (VmSummary v : ctx.inProgress) {
            if (!concern.vmids.contains(v.vmid())) {
                // a template or a VM of a declared name; a declared VMID is refused by its definition (planOne)
                ctx.refusals.add(new Refusal("vmid " + v.vmid(), Refusal.Reason.IN_PROGRESS, ctx.stillLocked(v)
                        + "; its config is not final until its task ends — plan again later"));
            }
        }
        Set<Integer> claimed = new HashSet<>();
        for (VmDefinition def : ordered) {
            VmPlan p = planOne(def, edges.getOrDefault(def.name(), List.of()), ctx, claimed);
            ctx.plans.put(def.name(), p);
        }
        List<VmPlan> all = new ArrayList<>(ctx.plans.values());
        all.addAll(prunes(ctx, claimed));
        for (Integer id : options.adopted()) {
            if (!claimed.contains(id)) {
                ctx.warnings.add("VM " + id + " is to be adopted but no definition matches it by VMID or name; it is left alone");
            }
        }
        // each warning once per plan: a definition file's notices (every VM of the file carries them), then
        // the VMs' own (the same text for several VMs is one line naming them), then the cluster's
        Set<String> warnings = new LinkedHashSet<>();
        Set<String> ignored = new LinkedHashSet<>();
        for (VmDefinition def : ordered) {
            for (DefinitionNotice n : def.notices()) {
                (n.kind() == DefinitionNotice.Kind.IGNORED ? ignored : warnings).add(n.toString());
            }
        }
        ctx.vmWarnings.forEach((text, names) -> warnings.add(String.join(", ", names) + ": " + text));
        warnings.addAll(ctx.warnings);
        return new Plan(all, ctx.refusals, List.copyOf(warnings), options.ownerTag(), List.copyOf(ignored));
    }

    // ---- reading --------------------------------------------------------------------------

    /**
     * The cluster's VMs, once none that {@code concern} names is being created or cloned, or once
     * {@link PlanOptions#lockWait()} has passed. Other guests' locks never delay the plan: a foreign
     * client creating VMs non-stop, or cloning for ten minutes, is none of its business. Records in
     * {@code concern} since when each VM it waits for has been seen locked, for the refusal's text.
     */
    private List<VmSummary> readVms(Concern concern) {
        Instant start = time.now();
        Instant deadline = start.plus(options.lockWait());
        while (true) {
            List<VmSummary> vms = read(hypervisor::listVms);
            Instant now = time.now();
            Set<Integer> busy = new HashSet<>();
            for (VmSummary v : vms) {
                if (identityHidden(v) && concern.covers(v)) {
                    busy.add(v.vmid());
                    concern.lockedSince.putIfAbsent(v.vmid(), now);
                }
            }
            // a lock that ended and began again is a new one: its time counts from when it was seen again
            concern.lockedSince.keySet().retainAll(busy);
            if (busy.isEmpty() || !now.isBefore(deadline)) {
                return vms;
            }
            try {
                time.sleep(LOCK_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while waiting for VMs being created", e);
            }
        }
    }

    /** One read, tried up to {@value #READ_ATTEMPTS} times on transport failures and locks, 1 s apart. */
    private <T> T read(java.util.function.Supplier<T> reader) {
        for (int attempt = 1; ; attempt++) {
            try {
                return reader.get();
            } catch (TransportException | LockedException e) {
                if (attempt >= READ_ATTEMPTS) {
                    throw e;
                }
                try {
                    time.sleep(Duration.ofSeconds(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new OperationInterruptedException("interrupted while reading the cluster", ie);
                }
            }
        }
    }

    /** A VM being created or cloned: its config (name, tags) is not written yet. */
    private static boolean identityHidden(VmSummary v) {
        return "create".equals(v.lock()) || "clone".equals(v.lock());
    }

    /**
     * The guests a plan reads and means to change: the declared names and VMIDs and the templates
     * the definitions clone from. Only their locks are waited for.
     */
    private static final class Concern {
        final Set<String> names = new HashSet<>();
        final Set<Integer> vmids = new HashSet<>();
        final Set<Integer> sources = new HashSet<>();
        /** Since when each VM waited for has been locked, as far as the plan saw: VMID → first sighting. */
        final Map<Integer, Instant> lockedSince = new HashMap<>();

        static Concern of(List<VmDefinition> desired) {
            Concern c = new Concern();
            for (VmDefinition d : desired) {
                c.names.add(d.name());
                d.spec().vmid().ifPresent(c.vmids::add);
                if (d.spec().source() instanceof Source.CloneTemplate t) {
                    c.sources.add(t.templateVmid());
                }
            }
            return c;
        }

        /** A VM being created has no name yet; it is the plan's business only by its VMID. */
        boolean covers(VmSummary v) {
            return vmids.contains(v.vmid()) || sources.contains(v.vmid()) || (!v.name().isEmpty() && names.contains(v.name()));
        }
    }

    private final class Context {
        final List<VmSummary> vms;
        final Concern concern;
        final List<VmSummary> inProgress = new ArrayList<>();
        final Map<String, VmPlan> plans = new LinkedHashMap<>();
        final List<Refusal> refusals = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        /** The same warning about several VMs is shown once, naming them: text → VM names. */
        final Map<String, List<String>> vmWarnings = new LinkedHashMap<>();
        final Map<Integer, VmConfig> configs = new HashMap<>();
        /** The spec (features resolved) of each definition planned so far, by name. */
        final Map<String, VmSpec> specByName = new HashMap<>();
        final Map<Integer, String> plannedVmids = new HashMap<>();
        private Placement placement;
        private Set<StorageContent> uploadable;
        /** The files definitions name, each storage's listing read once per plan. */
        final NamedVolumes volumes = new NamedVolumes((node, storage, content) -> read(() -> hypervisor.listVolumes(node, storage, content)));
        private final Map<String, List<String>> bridges = new HashMap<>();

        void vmWarning(String vm, String text) {
            vmWarnings.computeIfAbsent(text, t -> new ArrayList<>()).add(vm);
        }

        Context(List<VmSummary> vms, Concern concern) {
            this.vms = vms;
            this.concern = concern;
            vms.stream().filter(v -> identityHidden(v) && concern.covers(v)).forEach(inProgress::add);
        }

        /** Names the VM the plan waited for, and for how long it saw it locked. */
        String stillLocked(VmSummary v) {
            Instant since = concern.lockedSince.getOrDefault(v.vmid(), time.now());
            return "VM " + v.vmid() + " on " + v.node() + " is still locked (" + v.lock() + ") after waiting "
                    + Duration.between(since, time.now()).toSeconds() + " s for it";
        }

        /**
         * Reads at once, {@link PlanOptions#readParallelism()} at a time (or in one request where the
         * backend can), the config of every VM a definition may match by name or VMID or clone from,
         * so that planning N VMs costs about {@code RTT × ⌈N / p⌉} instead of {@code RTT × N}.
         * What is not prefetched (or vanished meanwhile) is still read lazily by {@link #config}.
         */
        void prefetch(List<VmDefinition> desired) {
            Set<String> names = new HashSet<>();
            Set<Integer> ids = new HashSet<>();
            for (VmDefinition d : desired) {
                names.add(d.name());
                d.spec().vmid().ifPresent(ids::add);
                if (d.spec().source() instanceof Source.CloneTemplate c) {
                    ids.add(c.templateVmid());
                }
            }
            List<ai.thinkheads.phoenix.hypervisor.VmRef> refs = vms.stream()
                    .filter(v -> !identityHidden(v) && (names.contains(v.name()) || ids.contains(v.vmid())))
                    .map(VmSummary::ref).toList();
            if (refs.size() > 1) {
                configs.putAll(read(() -> hypervisor.getConfigs(refs, options.readParallelism())));
            }
        }

        VmConfig config(VmSummary v) {
            VmConfig known = configs.get(v.vmid());
            if (known == null) {
                known = read(() -> hypervisor.getConfig(v.ref()));
                configs.put(v.vmid(), known);
            }
            return known;
        }

        Placement placement() {
            if (placement == null) {
                List<NodeResources> nodes = read(hypervisor::listNodes);
                Map<String, List<StorageInfo>> storages = new TreeMap<>();
                for (NodeResources n : nodes) {
                    if (n.online()) {
                        storages.put(n.node(), read(() -> hypervisor.listStorages(n.node())));
                    }
                }
                placement = new Placement(nodes, storages);
            }
            return placement;
        }

        /** The bridges a NIC on {@code node} can join, read once per plan. */
        List<String> bridges(String node) {
            List<String> known = bridges.get(node);
            if (known == null) {
                known = read(() -> hypervisor.listBridges(node));
                bridges.put(node, known);
            }
            return known;
        }

        Set<StorageContent> uploadable() {
            if (uploadable == null) {
                uploadable = hypervisor.uploadableContent();
            }
            return uploadable;
        }

        /** An active storage with {@code content}: {@code local} when it qualifies (Proxmox's default dir storage), else the first by id. */
        Optional<String> storageWith(StorageContent content) {
            List<String> ids = placement().storages().values().stream().flatMap(List::stream)
                    .filter(s -> s.active() && s.content().contains(content.word())).map(StorageInfo::storage).distinct().sorted().toList();
            return ids.contains("local") ? Optional.of("local") : ids.stream().findFirst();
        }

        Optional<VmSummary> byVmid(int vmid) {
            return vms.stream().filter(v -> v.vmid() == vmid).findFirst();
        }

        boolean owned(VmSummary v) {
            return options.owns(v);
        }

        boolean ownedOrAdopted(VmSummary v) {
            return owned(v) || options.adopted().contains(v.vmid());
        }

        /** An unowned VM named like a clone Phoenix started but could not tag (apply interrupted). */
        boolean interruptedClone(VmSummary v) {
            return !owned(v) && cloneMarker(options.ownerTag()).equals(config(v).values().get("description"));
        }
    }

    // ---- one definition -------------------------------------------------------------------

    private VmPlan planOne(VmDefinition def, List<String> deps, Context ctx, Set<Integer> claimed) {
        String name = def.name();
        List<Refusal> refusals = new ArrayList<>();
        ResolvedFeatures resolved;
        try {
            resolved = ResolvedFeatures.resolve(def, options.features());
        } catch (FeatureException e) {
            ctx.refusals.add(new Refusal(name, Refusal.Reason.FEATURE, e.getMessage()));
            return refused(def, deps, null);
        }
        if (!resolved.unknown().isEmpty()) {
            ctx.vmWarning(name, "features " + resolved.unknown() + " are not known to Phoenix (known: "
                    + options.features().names() + "); nothing is applied for them");
        }
        VmSpec spec = resolved.spec();
        ctx.specByName.put(name, spec);
        if (!resolved.guestSteps().isEmpty() && !spec.agent().map(a -> a.enabled()).orElse(false)) {
            refusals.add(new Refusal(name, Refusal.Reason.FEATURE, "features run steps in the guest through the guest agent,"
                    + " which the VM does not enable (agent)"));
        }
        for (String dep : def.dependsOn()) {
            if (!ctx.plans.containsKey(dep) && ctx.vms.stream().noneMatch(v -> v.name().equals(dep))) {
                refusals.add(new Refusal(name, Refusal.Reason.MISSING_DEPENDENCY,
                        "depends on '" + dep + "', which is neither declared nor in the cluster"));
            }
        }
        for (Refusal r : ctx.plans.values().stream().filter(p -> deps.contains(p.name()) && p.action() == VmPlan.Action.REFUSED)
                .map(p -> new Refusal(name, Refusal.Reason.MISSING_DEPENDENCY, "depends on '" + p.name() + "', which is refused"))
                .toList()) {
            refusals.add(r);
        }

        // which VM is it?
        VmSummary existing = null;
        Optional<Integer> fixedVmid = spec.vmid();
        if (fixedVmid.isPresent()) {
            Optional<VmSummary> v = ctx.byVmid(fixedVmid.get());
            if (v.isPresent() && ctx.ownedOrAdopted(v.get())) {
                existing = v.get();
            } else if (v.isPresent() && ctx.inProgress.contains(v.get())) {
                refusals.add(new Refusal(name, Refusal.Reason.IN_PROGRESS, ctx.stillLocked(v.get())
                        + ": VMID " + fixedVmid.get() + " is being created or cloned by a running task — plan again later"));
            } else if (v.isPresent()) {
                refusals.add(new Refusal(name, Refusal.Reason.CONFLICT, "VMID " + fixedVmid.get() + " is taken by VM '"
                        + v.get().name() + "' on " + v.get().node() + ", which Phoenix does not manage; adopt it by VMID or choose another VMID"));
            } else {
                List<VmSummary> strangers = ctx.vms.stream().filter(x -> x.name().equals(name) && !ctx.ownedOrAdopted(x)).toList();
                if (!strangers.isEmpty()) {
                    refusals.add(new Refusal(name, Refusal.Reason.CONFLICT, "the name is taken by VM "
                            + strangers.stream().map(x -> x.vmid() + " on " + x.node()).toList()
                            + ", which Phoenix does not manage; adopt it by VMID to manage it, or rename the definition"));
                }
            }
        } else {
            List<VmSummary> mine = ctx.vms.stream().filter(v -> v.name().equals(name) && ctx.ownedOrAdopted(v)
                    && !claimed.contains(v.vmid())).toList();
            if (mine.size() > 1) {
                refusals.add(new Refusal(name, Refusal.Reason.CONFLICT, "several VMs Phoenix manages are named '" + name + "': "
                        + mine.stream().map(v -> String.valueOf(v.vmid())).toList() + "; give the definition a VMID"));
            } else if (mine.size() == 1) {
                existing = mine.get(0);
            } else {
                List<VmSummary> strangers = ctx.vms.stream().filter(v -> v.name().equals(name) && !claimed.contains(v.vmid())).toList();
                List<VmSummary> ours = strangers.stream().filter(ctx::interruptedClone).toList();
                if (ours.size() == 1 && strangers.size() == 1) {
                    existing = ours.get(0);
                } else if (!strangers.isEmpty()) {
                    refusals.add(new Refusal(name, Refusal.Reason.CONFLICT, "the name is taken by VM "
                            + strangers.stream().map(v -> v.vmid() + " on " + v.node()).toList()
                            + ", which Phoenix does not manage; adopt it by VMID to manage it, or rename the definition"));
                }
            }
        }
        if (existing != null) {
            claimed.add(existing.vmid());
        }
        if (!refusals.isEmpty()) {
            ctx.refusals.addAll(refusals);
            return refused(def, deps, existing);
        }
        if (existing != null) {
            return planExisting(def, deps, resolved, existing, ctx);
        }
        return planNew(def, deps, resolved, ctx, spec.vmid().orElse(null), null, List.of(), VmPlan.Action.CREATE, claimed);
    }

    /** Where the VM's user-data goes; a refusal (null result) when it cannot go anywhere. */
    private CloudInitDelivery.Result deliver(VmDefinition def, ResolvedFeatures resolved, Map<String, String> own,
                                             Map<String, String> template, Context ctx) {
        if (resolved.userData().isEmpty()) {
            // nothing to deliver: the spec's own config, built here once for this VM
            return new CloudInitDelivery.Result(DesiredConfig.of(resolved.spec(), options.ownerTag()), List.of(), null);
        }
        try {
            return CloudInitDelivery.of(resolved, options.ownerTag(), ctx.uploadable(), own, template, ctx::storageWith);
        } catch (IllegalStateException e) {
            ctx.refusals.add(new Refusal(def.name(), Refusal.Reason.UNSUPPORTED, e.getMessage()));
            return null;
        }
    }

    /**
     * The steps that bring a started VM's guest up: wait for it (agent, address, cloud-init when the
     * user-data is Phoenix's), run the features' steps, and take the after-features snapshot. Only
     * for VMs with features or their own user-data and the agent enabled.
     */
    private List<Change> guestPhase(VmDefinition def, ResolvedFeatures resolved, Set<String> haveSnapshots) {
        List<Change> out = new ArrayList<>();
        VmSpec spec = resolved.spec();
        boolean ours = resolved.userData().isPresent();
        if (!spec.agent().map(a -> a.enabled()).orElse(false) || !ours && resolved.guestSteps().isEmpty()) {
            // nothing of Phoenix's to wait for: a VM without features may not even have an OS yet
            def.snapshots().afterFeaturesIfAny().filter(haveSnapshots::add).ifPresent(s -> out.add(new Change.Snapshot(s, "snapshot " + s)));
            return out;
        }
        out.add(new Change.AwaitGuest(ours));
        resolved.guestSteps().forEach(st -> out.add(new Change.RunGuestStep(st)));
        def.snapshots().afterFeaturesIfAny().filter(haveSnapshots::add)
                .ifPresent(s -> out.add(new Change.Snapshot(s, "snapshot " + s + " after the features")));
        String marker = provisionedTag(resolved);
        out.add(new Change.MarkProvisioned(marker));
        return out;
    }

    /** Whether the VM's guest is Phoenix's to bring up: the agent on, and Phoenix's user-data or guest steps. */
    private static boolean provisions(ResolvedFeatures resolved) {
        return resolved.spec().agent().map(a -> a.enabled()).orElse(false)
                && (resolved.userData().isPresent() || !resolved.guestSteps().isEmpty());
    }

    /**
     * The tag that says a VM's guest came up with this user-data and these guest steps:
     * {@value #PROVISIONED_TAG_PREFIX} and the first 10 hex digits of their SHA-1. Apply sets it after
     * the guest steps; a VM without it (an apply interrupted between start and steps) gets them again.
     */
    static String provisionedTag(ResolvedFeatures resolved) {
        StringBuilder what = new StringBuilder(resolved.userData().orElse(""));
        resolved.guestSteps().forEach(st -> what.append('\n').append(String.join("\u0000", st.command())));
        return PROVISIONED_TAG_PREFIX + ai.thinkheads.phoenix.cloudinit.NoCloudData.sha1(what.toString()).substring(0, 10);
    }

    /**
     * Refuses (and says so) a NIC on a bridge {@code node} does not have: the VM would fail to start
     * there with qemu-server's {@code bridge 'vmbrX' does not exist} (pve-common
     * PVE::Network::read_bridge_mtu). Reads the node's bridges only for a spec with NICs.
     */
    private boolean missingBridge(VmSpec spec, String node, String name, Context ctx) {
        if (spec.nics().isEmpty()) {
            return false;
        }
        List<String> have = ctx.bridges(node);
        boolean refused = false;
        for (ai.thinkheads.phoenix.spec.Nic nic : spec.nics()) {
            if (!have.contains(nic.bridge())) {
                ctx.refusals.add(new Refusal(name, Refusal.Reason.MISSING_DEPENDENCY, nic.key() + ": bridge '" + nic.bridge()
                        + "' does not exist on node " + node + " (its bridges: "
                        + (have.isEmpty() ? "none" : String.join(", ", have)) + ")"));
                refused = true;
            }
        }
        return refused;
    }

    private VmPlan refused(VmDefinition def, List<String> deps, VmSummary existing) {
        Integer vmid = existing == null ? def.spec().vmid().orElse(null) : Integer.valueOf(existing.vmid());
        return new VmPlan(def.name(), VmPlan.Action.REFUSED, vmid,
                existing == null ? def.spec().node().orElse(null) : existing.node(), List.of(), deps, null, List.of(), null);
    }

    private VmPlan planExisting(VmDefinition def, List<String> deps, ResolvedFeatures resolved, VmSummary vm, Context ctx) {
        VmSpec spec = resolved.spec();
        String name = def.name();
        VmConfig cfg = ctx.config(vm);
        boolean running = vm.state() != PowerState.STOPPED;
        CloudInitDelivery.Result delivery = deliver(def, resolved, cfg.values(), null, ctx);
        if (delivery == null) {
            return refused(def, deps, vm);
        }
        if (spec.node().map(vm.node()::equals).orElse(true) && missingBridge(spec, vm.node(), name, ctx)) {
            return refused(def, deps, vm);
        }
        DesiredConfig desired = delivery.desired();
        ConfigDiff.Result diff = userDataAtBoot(ConfigDiff.compare(desired, cfg.values(), running), spec, running);
        boolean newUserData = diff.keys().stream().anyMatch(k -> isUserDataKey(k.key(), spec));
        List<String> destructive = new ArrayList<>(diff.destructive());
        if (cfg.isTemplate() && !spec.template()) {
            destructive.add("VM " + vm.vmid() + " is a template and a template cannot become a VM again");
        }
        if (spec.node().isPresent() && !spec.node().get().equals(vm.node())) {
            destructive.add("VM " + vm.vmid() + " is on " + vm.node() + " but declared on " + spec.node().get()
                    + " (Phoenix does not migrate; the VM is recreated there)");
        }
        boolean convert = spec.template() && !cfg.isTemplate();
        if (!diff.shrinks().isEmpty()) {
            diff.shrinks().forEach(s -> ctx.refusals.add(new Refusal(name, Refusal.Reason.DISK_SHRINK, s)));
            return refused(def, deps, vm);
        }
        List<String> notes = new ArrayList<>();
        if (!ctx.owned(vm)) {
            notes.add("adopted: VM " + vm.vmid() + " gets the tag " + options.ownerTag());
        }
        if (!destructive.isEmpty()) {
            if (!options.destructiveAllowed(name)) {
                ctx.refusals.add(new Refusal(name, Refusal.Reason.DESTRUCTIVE_NOT_ALLOWED, String.join("; ", destructive)
                        + " — allow destructive changes for '" + name + "' to recreate it"));
                return refused(def, deps, vm);
            }
            List<Change> first = new ArrayList<>();
            if (running) {
                first.add(Change.Power.stop("stop VM " + vm.vmid() + " to recreate it"));
            }
            first.add(new Change.Delete("destroy VM " + vm.vmid() + " and its disks: "
                    + String.join("; ", destructive)));
            notes.add("recreated because: " + String.join("; ", destructive));
            return planNew(def, deps, resolved, ctx, vm.vmid(), vm.node(), first, VmPlan.Action.REPLACE, new HashSet<>());
        }
        List<Change> changes = new ArrayList<>();
        if (newUserData) {
            changes.addAll(delivery.steps());
        }
        if (!diff.keys().isEmpty()) {
            changes.add(new Change.UpdateConfig("set " + diff.keys().stream().filter(k -> !k.isDelete()).count()
                    + ", delete " + diff.keys().stream().filter(KeyChange::isDelete).count() + " keys", diff.keys()));
        }
        changes.addAll(diff.grows());
        List<KeyChange> waiting = running ? alreadyPending(vm, diff) : List.of();
        boolean pending = running && (!waiting.isEmpty() || diff.keys().stream().anyMatch(k -> k.impact() == Impact.NEEDS_REBOOT));
        boolean booting = false;
        if (pending) {
            if (options.rebootForPendingChanges()) {
                changes.add(Change.Power.reboot("reboot so the pending changes take effect"));
                booting = true;
            } else if (!waiting.isEmpty()) {
                notes.add("a reboot is needed: " + waiting.stream().map(KeyChange::key).toList()
                        + " " + (waiting.size() == 1 ? "is" : "are") + " pending"
                        + (diff.keys().stream().anyMatch(k -> k.impact() == Impact.NEEDS_REBOOT) ? ", with the changes marked 'needs reboot'," : "")
                        + " until the VM restarts (allow rebootForPendingChanges to reboot it)");
            } else {
                notes.add("changes marked 'needs reboot' stay pending until the VM restarts");
            }
        }
        if (newUserData) {
            notes.add("new user-data: cloud-init runs it at the next boot (a new instance-id)");
        }
        if (convert) {
            if (!options.destructiveAllowed(name)) {
                ctx.refusals.add(new Refusal(name, Refusal.Reason.DESTRUCTIVE_NOT_ALLOWED, "converting VM " + vm.vmid()
                        + " to a template cannot be undone — allow destructive changes for '" + name + "'"));
                return refused(def, deps, vm);
            }
            if (running) {
                changes.add(Change.Power.stop("stop VM " + vm.vmid() + " to convert it"));
            }
            changes.add(new Change.ConvertToTemplate(Impact.DESTRUCTIVE, "convert VM " + vm.vmid() + " to a template"));
        } else if (spec.start() && !running && !cfg.isTemplate()) {
            changes.add(Change.Power.start("start VM " + vm.vmid()));
            booting = true;
        }
        if (!spec.template()) {
            Set<String> have = snapshotNames(def, vm);
            int beforeBoot = changes.size() - (booting ? 1 : 0);
            def.snapshots().beforeFeaturesIfAny().filter(have::add).ifPresent(s -> changes.add(beforeBoot,
                    new Change.Snapshot(s, "snapshot " + s + " before the features")));
            boolean provisioned = !provisions(resolved) || vm.tags().contains(provisionedTag(resolved));
            if (booting && newUserData || provisions(resolved) && !newUserData && !provisioned && (booting || running)) {
                // a new document after the reboot, or a guest whose steps never ran (an interrupted apply)
                changes.addAll(guestPhase(def, resolved, have));
            } else {
                def.snapshots().afterFeaturesIfAny().filter(have::add).ifPresent(s -> changes.add(new Change.Snapshot(s,
                        "snapshot " + s + (resolved.guestSteps().isEmpty() ? "" : " (the features' guest steps run when the VM is provisioned)"))));
            }
        }
        if (refusedForMissingFiles(name, changes, vm.node(), ctx)) {
            return refused(def, deps, vm);
        }
        notes.addAll(resolved.notes());
        VmPlan.Action action = changes.isEmpty() ? VmPlan.Action.NO_CHANGE : VmPlan.Action.UPDATE;
        return new VmPlan(name, action, vm.vmid(), vm.node(), changes, deps, cfg.digest(), notes, delivery.desired(), waiting);
    }

    /**
     * What the running {@code vm} already holds pending ({@link Hypervisor#getPending}) and this
     * plan does not write again: the config read shows pending values as if applied (qemu-server
     * {@code vm_config} without {@code current}), so only this read tells that they are not in
     * effect. One read per running VM the plan keeps: Proxmox's config read carries no marker of a
     * {@code [PENDING]} section to skip it by.
     */
    private List<KeyChange> alreadyPending(VmSummary vm, ConfigDiff.Result diff) {
        Set<String> rewritten = new HashSet<>();
        diff.keys().forEach(k -> rewritten.add(k.key()));
        List<KeyChange> out = new ArrayList<>();
        for (PendingChange p : read(() -> hypervisor.getPending(vm.ref())).changes()) {
            if (!rewritten.contains(p.key()) && (p.current() != null || p.pending() != null)) {
                out.add(new KeyChange(p.key(), p.current(), p.pending(), Impact.NEEDS_REBOOT));
            }
        }
        return out;
    }

    /** The VM's snapshots, read only when the definition declares some around its features. */
    private Set<String> snapshotNames(VmDefinition def, VmSummary vm) {
        Set<String> have = new HashSet<>();
        if (def.snapshots().beforeFeaturesIfAny().isEmpty() && def.snapshots().afterFeaturesIfAny().isEmpty()) {
            return have;
        }
        read(() -> hypervisor.listSnapshots(vm.ref())).stream().map(Snapshot::name).forEach(have::add);
        return have;
    }

    private VmPlan planNew(VmDefinition def, List<String> deps, ResolvedFeatures resolved, Context ctx, Integer vmid, String keepNode,
                           List<Change> first, VmPlan.Action action, Set<Integer> claimed) {
        VmSpec spec = resolved.spec();
        String name = def.name();
        List<Change> changes = new ArrayList<>(first);
        List<String> notes = new ArrayList<>();
        String fixedNode = spec.node().orElse(keepNode);
        Map<String, String> templateConfig = null;
        if (spec.source() instanceof Source.CloneTemplate c) {
            TemplateInfo t = template(c, ctx);
            if (t.refusal != null) {
                ctx.refusals.add(new Refusal(name, Refusal.Reason.MISSING_DEPENDENCY, t.refusal));
                return refused(def, deps, null);
            }
            templateConfig = t.config;
            if (spec.node().isEmpty() && !c.full()) {
                fixedNode = t.node; // a linked clone shares the template's volumes, so it lives where the template does
            }
        }
        CloudInitDelivery.Result delivery = deliver(def, resolved, null, templateConfig, ctx);
        if (delivery == null) {
            return refused(def, deps, null);
        }
        DesiredConfig desired = delivery.desired();
        spec = delivery.spec();
        Placement.Decision where = ctx.placement().place(spec, fixedNode);
        if (!where.placed()) {
            ctx.refusals.add(new Refusal(name, where.missing() ? Refusal.Reason.MISSING_DEPENDENCY : Refusal.Reason.NO_CAPACITY,
                    where.refusal()));
            return refused(def, deps, null);
        }
        String node = where.node();
        if (missingBridge(spec, node, name, ctx)) {
            return refused(def, deps, null);
        }
        if (vmid != null) {
            ctx.plannedVmids.put(vmid, name);
        }
        String id = vmid == null ? "a new VMID" : "VMID " + vmid;
        changes.addAll(delivery.steps());
        if (spec.source() instanceof Source.CloneTemplate c) {
            changes.add(new Change.Clone(c, (c.full() ? "full" : "linked") + " clone of template "
                    + c.templateVmid() + c.snapshotIfAny().map(s -> " at snapshot " + s).orElse("") + " as " + id + " on " + node
                    + (c.targetStorage() == null ? "" : " to storage " + c.targetStorage())));
            ConfigDiff.Result diff = ConfigDiff.compare(desired, templateConfig, false);
            if (!diff.keys().isEmpty()) {
                changes.add(new Change.UpdateConfig("set what the template does not already give", diff.keys()));
            }
            changes.addAll(diff.grows());
            if (!diff.shrinks().isEmpty()) {
                diff.shrinks().forEach(s -> ctx.refusals.add(new Refusal(name, Refusal.Reason.DISK_SHRINK, "template " + c.templateVmid() + ": " + s)));
                return refused(def, deps, null);
            }
            if (!diff.destructive().isEmpty()) {
                notes.add("after cloning: " + String.join("; ", diff.destructive()));
            }
            if (refusedForMissingFiles(name, changes, node, ctx)) {
                return refused(def, deps, null);
            }
        } else {
            String how = spec.source() instanceof Source.ImportImage imp ? "import of " + imp.from() : "empty disks";
            changes.add(new Change.Create("create with " + how + " as " + id + " on " + node, desired.createConfig()));
            if (spec.source() instanceof Source.ImportImage && !spec.disks().isEmpty() && spec.disks().get(0).size() != null) {
                changes.add(new Change.GrowDisk(spec.disks().get(0).key(), null, spec.disks().get(0).size()));
            }
            if (refusedForMissingFiles(name, changes, node, ctx)) {
                return refused(def, deps, null);
            }
        }
        if (spec.template()) {
            if (spec.source() instanceof Source.CloneTemplate) {
                changes.add(new Change.ConvertToTemplate(Impact.LIVE, "convert the new clone to a template"));
            }
            // qemu-server PVE::API2::Qemu 'template': "unable to create template, because VM contains snapshots";
            // PVE::QemuConfig snapshot on a template: "you can't take a snapshot if it's a template"
            def.snapshots().beforeTemplateIfAny().ifPresent(s -> notes.add("snapshot " + s + " before templating is not taken:"
                    + " Proxmox makes no template of a VM with snapshots and takes no snapshot of a template"));
            if (!resolved.guestSteps().isEmpty()) {
                notes.add("the features' guest steps run on the VMs cloned from it, not on the template");
            }
        } else {
            Set<String> have = new HashSet<>();
            def.snapshots().beforeFeaturesIfAny().filter(have::add)
                    .ifPresent(s -> changes.add(new Change.Snapshot(s, "snapshot " + s + " before the features")));
            if (spec.start()) {
                changes.add(Change.Power.start("start the new VM"));
                changes.addAll(guestPhase(def, resolved, have));
            } else {
                def.snapshots().afterFeaturesIfAny().filter(have::add).ifPresent(s -> changes.add(new Change.Snapshot(s,
                        "snapshot " + s + (resolved.userData().isPresent() ? " (the VM is not started: its user-data runs at first boot)" : ""))));
                if (!resolved.guestSteps().isEmpty()) {
                    notes.add("the features' guest steps run when Phoenix starts the VM (declare start)");
                }
            }
        }
        if (vmid == null) {
            notes.add("VMID allocated on apply");
        }
        notes.addAll(resolved.notes());
        return new VmPlan(name, action, vmid, node, changes, deps, null, notes, delivery.desired());
    }

    /**
     * Refuses, naming each volume, the files the steps' configs name ({@link NamedVolumes}: import
     * images, ISOs on CD-ROMs, {@code cicustom} snippets) that {@code node} does not have, so that
     * apply does not fail on them half-way (after uploading the user-data). The files the plan
     * uploads itself are not looked for. Reads nothing when the steps name no file.
     *
     * @return whether something was refused
     */
    private boolean refusedForMissingFiles(String name, List<Change> changes, String node, Context ctx) {
        List<NamedVolumes.Named> named = NamedVolumes.in(changes);
        if (named.isEmpty()) {
            return false;
        }
        Set<String> uploaded = new HashSet<>();
        changes.stream().filter(c -> c instanceof Change.Upload).forEach(c -> uploaded.add(((Change.Upload) c).file().volid()));
        List<StorageInfo> here = ctx.placement().storages().getOrDefault(node, List.of());
        Set<String> said = new HashSet<>();
        boolean refused = false;
        for (NamedVolumes.Named n : named) {
            if (!uploaded.contains(n.volid()) && said.add(n.volid())) {
                Optional<String> why = ctx.volumes.problem(n, node, here, () -> ctx.placement().missingStorage(n.storage(), node));
                if (why.isPresent()) {
                    ctx.refusals.add(new Refusal(name, Refusal.Reason.MISSING_DEPENDENCY, why.get()));
                    refused = true;
                }
            }
        }
        return refused;
    }

    private record TemplateInfo(String node, Map<String, String> config, String refusal) {
    }

    private TemplateInfo template(Source.CloneTemplate c, Context ctx) {
        String plannedName = null;
        for (Map.Entry<String, VmSpec> e : ctx.specByName.entrySet()) {
            if (e.getValue().vmid().filter(id -> id == c.templateVmid()).isPresent()) {
                plannedName = e.getKey();
            }
        }
        if (plannedName != null) {
            VmPlan p = ctx.plans.get(plannedName);
            if (p == null || p.action() == VmPlan.Action.REFUSED) {
                return new TemplateInfo(null, null, "its template '" + plannedName + "' (" + c.templateVmid() + ") is refused");
            }
            DesiredConfig t = p.desired();
            if (!c.full() && !t.spec().template()) {
                return new TemplateInfo(null, null, "a linked clone needs a template, but '" + plannedName + "' ("
                        + c.templateVmid() + ") is not declared as one");
            }
            if (p.action() == VmPlan.Action.NO_CHANGE || p.action() == VmPlan.Action.UPDATE) {
                Optional<VmSummary> v = ctx.byVmid(c.templateVmid());
                if (v.isPresent()) {
                    return new TemplateInfo(v.get().node(), ctx.config(v.get()).values(), null);
                }
            }
            return new TemplateInfo(p.node(), afterCreate(t), null);
        }
        Optional<VmSummary> v = ctx.byVmid(c.templateVmid());
        if (v.isEmpty()) {
            return new TemplateInfo(null, null, "its template VM " + c.templateVmid() + " is neither declared nor in the cluster");
        }
        if (!c.full() && !v.get().template()) {
            return new TemplateInfo(null, null, "a linked clone needs a template, but VM " + c.templateVmid() + " is not one");
        }
        return new TemplateInfo(v.get().node(), ctx.config(v.get()).values(), null);
    }

    /**
     * A template created by this plan, as its clones will find it: its desired config with each disk
     * at its declared size (the plan grows it there), so that a clone declaring a smaller disk is
     * refused now rather than failing on apply ("shrinking disks is not supported").
     */
    private static Map<String, String> afterCreate(DesiredConfig t) {
        Map<String, String> out = new TreeMap<>(t.config());
        t.diskSizes().forEach((key, size) -> {
            if (size != null && out.containsKey(key)) {
                out.put(key, ai.thinkheads.phoenix.config.PropertyString.parse(out.get(key), "file")
                        .with("size", size.toString()).format());
            }
        });
        return out;
    }

    // ---- prune ----------------------------------------------------------------------------

    private List<VmPlan> prunes(Context ctx, Set<Integer> claimed) {
        List<VmSummary> leftovers = ctx.vms.stream().filter(v -> ctx.owned(v) && !claimed.contains(v.vmid())).toList();
        List<VmPlan> out = new ArrayList<>();
        List<VmSummary> sorted = new ArrayList<>(leftovers);
        sorted.sort((a, b) -> Boolean.compare(a.template(), b.template())); // clones before templates
        // an owned VM named like a definition is declared, only ambiguous: never "no longer declared", never pruned
        Map<String, List<Integer>> ambiguous = new TreeMap<>();
        for (VmSummary v : leftovers) {
            if (ctx.plans.containsKey(v.name())) {
                ambiguous.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v.vmid());
            }
        }
        ambiguous.forEach((name, extra) -> {
            Integer matched = ctx.plans.get(name).vmid();
            if (matched != null && !extra.contains(matched)) {
                ctx.warnings.add("VM" + (extra.size() > 1 ? "s " : " ") + joined(extra) + " managed by Phoenix "
                        + (extra.size() > 1 ? "are" : "is") + " named '" + name + "' like VM " + matched + ", which the definition '"
                        + name + "' is: declared, but the name is ambiguous; kept — rename or remove the VM not meant");
            } else {
                ctx.warnings.add("VMs " + joined(extra) + " managed by Phoenix are all named '" + name + "', which is declared: "
                        + "the name is ambiguous; kept — rename or remove the VM not meant, or give the definition a VMID");
            }
        });
        for (VmSummary v : sorted) {
            String name = v.name().isEmpty() ? "vm-" + v.vmid() : v.name();
            if (ambiguous.containsKey(v.name())) {
                continue;
            }
            if (!options.pruneOwned()) {
                ctx.warnings.add("VM " + v.vmid() + " ('" + name + "') is managed by Phoenix but no longer declared; kept (prune is off)");
                continue;
            }
            List<Change> changes = new ArrayList<>();
            if (v.state() != PowerState.STOPPED) {
                changes.add(Change.Power.stop("stop VM " + v.vmid()));
            }
            changes.add(new Change.Delete("destroy VM " + v.vmid() + " and its disks (no longer declared)"));
            out.add(new VmPlan(name, VmPlan.Action.DELETE, v.vmid(), v.node(), changes, List.of(), null, List.of(), null));
        }
        return out;
    }

    private static String joined(List<Integer> vmids) {
        List<Integer> sorted = new ArrayList<>(vmids);
        sorted.sort(null);
        return String.join(", ", sorted.stream().map(String::valueOf).toList());
    }

    /** Whether {@code key} carries the VM's user-data: {@code cicustom}, or the cloud-init slot holding a NoCloud ISO. */
    private static boolean isUserDataKey(String key, VmSpec spec) {
        return key.equals("cicustom") || spec.cloudInit().map(ci -> ci.slot().equals(key)).orElse(false);
    }

    /** cloud-init reads its data at boot: a new document on a running VM waits for the next start. */
    private static ConfigDiff.Result userDataAtBoot(ConfigDiff.Result diff, VmSpec spec, boolean running) {
        if (!running) {
            return diff;
        }
        List<KeyChange> keys = diff.keys().stream().map(k -> isUserDataKey(k.key(), spec) && k.impact() == Impact.LIVE
                ? new KeyChange(k.key(), k.before(), k.after(), Impact.NEEDS_REBOOT) : k).toList();
        return new ConfigDiff.Result(keys, diff.grows(), diff.destructive(), diff.shrinks());
    }

    private static void checkUnique(List<VmDefinition> defs) {
        Map<String, Integer> names = new HashMap<>();
        Map<Integer, String> vmids = new HashMap<>();
        for (VmDefinition d : defs) {
            if (names.merge(d.name(), 1, Integer::sum) > 1) {
                throw new DuplicateDefinitionException("VM '" + d.name() + "' is defined more than once");
            }
            Optional<Integer> id = d.spec().vmid();
            if (id.isPresent() && vmids.putIfAbsent(id.get(), d.name()) != null) {
                throw new DuplicateDefinitionException("VMID " + id.get() + " is declared by both '" + vmids.get(id.get())
                        + "' and '" + d.name() + "'");
            }
        }
    }
}
