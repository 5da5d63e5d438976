package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveConfig;
import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.ProxmoxErrorText;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.feature.Guest;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.hypervisor.TaskTimeoutException;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs a {@link Plan} against the cluster.
 *
 * <pre>{@code
 * Applier applier = new Applier(hypervisor, ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build(),
 *     TimeSource.system());
 * ApplyResult result = applier.apply(plan);
 * }</pre>
 *
 * <ul>
 *   <li><b>Refusals:</b> a plan with refusals is not run ({@link PlanRefusedException}).</li>
 *   <li><b>Order and parallelism:</b> a VM starts when everything it depends on succeeded; at most
 *       {@link ApplyOptions#maxParallel()} VMs at once and {@link ApplyOptions#maxPerNode()} per node.
 *       Deletions of pruned VMs run after everything else. A VM whose dependency failed is not
 *       attempted.</li>
 *   <li><b>Retries:</b> a {@link LockedException}, a task that failed on a lock and a
 *       {@link TransportException} are retried with doubling pauses; after a transport failure the
 *       step first checks whether Proxmox already did it (the request may have arrived).</li>
 *   <li><b>VMIDs:</b> a new VM without a declared VMID takes {@code nextFreeVmid()} (skipping the
 *       VMIDs the plan names and those this apply already took) and, when another creator was
 *       faster ({@link AlreadyExistsException}), takes the next — it never uses a VM it did not
 *       create.</li>
 *   <li><b>Concurrent edits:</b> config updates carry the digest read at plan time; on
 *       {@link ConfigModifiedException} the VM is read and compared again, and the fresh difference
 *       is written if it is still one apply may make ({@link PlanStaleException} otherwise).</li>
 *   <li><b>Cleaning up:</b> the files a VM's run uploaded where none was are removed when its create
 *       or clone then did not happen, or reported as left behind ({@link ApplyResult.Outcome#leftBehind},
 *       {@link ApplyEvent.Type#LEFT_BEHIND}); a file a VM's config names is kept.</li>
 *   <li><b>Resuming:</b> steps check before acting, and new VMs carry the ownership tag and their
 *       name from the first request, so planning and applying again after an interruption finishes
 *       the work without duplicates.</li>
 * </ul>
 */
public final class Applier {

    private static final int CONFIG_MODIFIED_ATTEMPTS = 3;
    private static final int ALLOCATION_ATTEMPTS = 50;
    /** How many VM configs are read at once to see whether one names a file apply would remove. */
    private static final int USE_CHECK_PARALLELISM = 8;

    private final Hypervisor hypervisor;
    private final ApplyOptions options;
    private final TimeSource time;

    /** An applier over {@code hypervisor} that reads time from and waits on {@code time}. */
    public Applier(Hypervisor hypervisor, ApplyOptions options, TimeSource time) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.options = Objects.requireNonNull(options, "options");
        this.time = Objects.requireNonNull(time, "time");
    }

    /**
     * Applies {@code plan}. Failures of single VMs are reported in the result, not thrown.
     *
     * @throws PlanRefusedException when the plan has refusals (nothing is done)
     */
    public ApplyResult apply(Plan plan) {
        if (plan.hasRefusals()) {
            throw new PlanRefusedException(plan.refusals());
        }
        Map<String, ApplyResult.Outcome> outcomes = new LinkedHashMap<>();
        List<VmPlan> work = new ArrayList<>();
        for (VmPlan v : plan.vms()) {
            if (v.hasChanges()) {
                work.add(v);
            } else {
                outcomes.put(v.name(), new ApplyResult.Outcome(v.name(), v.vmid(), ApplyResult.Status.UNCHANGED, List.of(), null,
                        null, List.of()));
            }
        }
        VmidAllocator allocator = new VmidAllocator(plan.plannedVmids());
        ExecutorService pool = Executors.newFixedThreadPool(options.maxParallel(), r -> {
            Thread t = new Thread(r, "phoenix-apply");
            t.setDaemon(true);
            return t;
        });
        try {
            run(work.stream().filter(v -> v.action() != VmPlan.Action.DELETE).toList(), outcomes, pool, allocator, plan);
            run(work.stream().filter(v -> v.action() == VmPlan.Action.DELETE).toList(), outcomes, pool, allocator, plan);
        } finally {
            pool.shutdownNow();
            try {
                // workers stop at their next wait; none may touch the cluster after apply returns
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ApplyResult.Outcome> ordered = new ArrayList<>();
        for (VmPlan v : plan.vms()) {
            ordered.add(outcomes.get(v.name()));
        }
        return new ApplyResult(ordered);
    }

    private void run(List<VmPlan> jobs, Map<String, ApplyResult.Outcome> outcomes, ExecutorService pool,
                     VmidAllocator allocator, Plan plan) {
        List<VmPlan> pending = new ArrayList<>(jobs);
        Map<String, Integer> perNode = new HashMap<>();
        Map<Future<ApplyResult.Outcome>, VmPlan> running = new HashMap<>();
        CompletionService<ApplyResult.Outcome> done = new ExecutorCompletionService<>(pool);
        Set<String> inPlan = new HashSet<>();
        plan.vms().forEach(v -> inPlan.add(v.name()));
        while (!pending.isEmpty() || !running.isEmpty()) {
            boolean progressed = true;
            while (progressed) {
                progressed = false;
                for (VmPlan v : List.copyOf(pending)) {
                    Optional<String> failedDep = v.dependsOn().stream().filter(d -> inPlan.contains(d) && outcomes.containsKey(d)
                            && outcomes.get(d).status() != ApplyResult.Status.SUCCEEDED
                            && outcomes.get(d).status() != ApplyResult.Status.UNCHANGED).findFirst();
                    if (failedDep.isPresent()) {
                        pending.remove(v);
                        String why = "depends on '" + failedDep.get() + "', which " + outcomes.get(failedDep.get()).status()
                                .name().toLowerCase(Locale.ROOT).replace('_', ' ');
                        outcomes.put(v.name(), new ApplyResult.Outcome(v.name(), v.vmid(), ApplyResult.Status.NOT_ATTEMPTED,
                                List.of(), null, why, List.of()));
                        emit(v.name(), v.vmid(), ApplyEvent.Type.VM_NOT_ATTEMPTED, null, why);
                        progressed = true;
                        continue;
                    }
                    boolean ready = v.dependsOn().stream().allMatch(d -> !inPlan.contains(d) || outcomes.containsKey(d));
                    String node = v.node() == null ? "" : v.node();
                    if (ready && running.size() < options.maxParallel() && perNode.getOrDefault(node, 0) < options.maxPerNode()) {
                        pending.remove(v);
                        perNode.merge(node, 1, Integer::sum);
                        running.put(done.submit(() -> new VmRun(v, allocator, plan.ownerTag()).run()), v);
                    }
                }
            }
            if (running.isEmpty()) {
                if (!pending.isEmpty()) {
                    // cannot happen: dependencies are ordered and every one resolves
                    throw new IllegalStateException("apply is stuck with " + pending.stream().map(VmPlan::name).toList());
                }
                return;
            }
            Future<ApplyResult.Outcome> f;
            try {
                f = done.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.keySet().forEach(x -> x.cancel(true));
                throw new OperationInterruptedException("interrupted while applying", e);
            }
            VmPlan v = running.remove(f);
            perNode.merge(v.node() == null ? "" : v.node(), -1, Integer::sum);
            try {
                outcomes.put(v.name(), f.get());
            } catch (ExecutionException e) {
                running.keySet().forEach(x -> x.cancel(true));
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("apply of " + v.name() + " broke", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while applying", e);
            }
        }
    }

    private void emit(String vm, Integer vmid, ApplyEvent.Type type, ChangeKind step, String message) {
        emit(vm, vmid, type, step, message, null);
    }

    private java.time.Duration since(java.time.Instant start) {
        return java.time.Duration.between(start, time.now());
    }

    private void emit(String vm, Integer vmid, ApplyEvent.Type type, ChangeKind step, String message, java.time.Duration elapsed) {
        try {
            options.listener().onEvent(new ApplyEvent(time.now(), vm, vmid, type, step, message, elapsed));
        } catch (RuntimeException ignored) {
            // a listener's failure must not stop the apply
        }
    }

    /** Hands out VMIDs for new VMs; one per apply, shared by its workers. */
    private final class VmidAllocator {
        private final Set<Integer> avoid;

        VmidAllocator(Set<Integer> planned) {
            this.avoid = new TreeSet<>(planned);
        }

        synchronized int next() {
            int id = hypervisor.nextFreeVmid();
            while (avoid.contains(id)) {
                id++;
            }
            avoid.add(id);
            return id;
        }
    }

    /** The work on one VM. */
    private final class VmRun {
        private final VmPlan plan;
        private final VmidAllocator allocator;
        private final List<ChangeKind> done = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final DesiredConfig desired;
        private VmRef ref;
        private Integer vmid;
        private final String ownerTag;
        private boolean fresh;
        /** What the step just done found worth saying (e.g. the guest's address), for its STEP_DONE event. */
        private String stepNote = "";
        /** The files this run wrote where there was none, to remove if the VM is then not created. */
        private final List<Written> written = new ArrayList<>();

        VmRun(VmPlan plan, VmidAllocator allocator, String ownerTag) {
            this.plan = plan;
            this.allocator = allocator;
            this.ownerTag = ownerTag;
            this.desired = plan.desired();
            this.ref = plan.existing().orElse(null);
            this.vmid = plan.vmid();
        }

        ApplyResult.Outcome run() {
            java.time.Instant vmStart = time.now();
            emit(plan.name(), vmid, ApplyEvent.Type.VM_STARTED, null, plan.action().name().toLowerCase(Locale.ROOT));
            try {
                if (plan.action() != VmPlan.Action.CREATE && vmid != null) {
                    // where the VM is now (a replace may put it on another node than it is on)
                    ref = retrying(ChangeKind.UPDATE_CONFIG, () -> hypervisor.findVm(vmid)).map(VmSummary::ref).orElse(ref);
                }
                for (Change c : plan.changes()) {
                    emit(plan.name(), vmid, ApplyEvent.Type.STEP_STARTED, c.kind(), c.description());
                    stepNote = "";
                    java.time.Instant stepStart = time.now();
                    step(c);
                    done.add(c.kind());
                    emit(plan.name(), vmid, ApplyEvent.Type.STEP_DONE, c.kind(), stepNote, since(stepStart));
                }
                emit(plan.name(), vmid, ApplyEvent.Type.VM_SUCCEEDED, null, "", since(vmStart));
                return new ApplyResult.Outcome(plan.name(), vmid, ApplyResult.Status.SUCCEEDED, done, null, null, warnings);
            } catch (RuntimeException e) {
                List<String> leftBehind = notCreated() ? removeWritten(e) : List.of();
                emit(plan.name(), vmid, ApplyEvent.Type.VM_FAILED, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
                        since(vmStart));
                return new ApplyResult.Outcome(plan.name(), vmid, ApplyResult.Status.FAILED, done, e, null, warnings, leftBehind);
            }
        }

        /** Whether the plan creates or clones the VM and that step was not done. */
        private boolean notCreated() {
            return plan.changes().stream().anyMatch(c -> c instanceof Change.Create || c instanceof Change.Clone)
                    && !done.contains(ChangeKind.CREATE) && !done.contains(ChangeKind.CLONE);
        }

        /**
         * Removes the files this run wrote for a VM that was then not created ({@code Hypervisor.deleteVolume}),
         * and returns those left behind: a file is kept when a VM's config names it (read now; a VM
         * with this run's VMID that is still being created may be about to), or when a task of this
         * VM may still run (a timeout); a removal that fails leaves it behind. Each is told as an event.
         * Only files that were not there before this run wrote them are candidates, so a file that
         * exists while a snapshot or another guest names it is never one. (The seam reads no
         * snapshot's config: a snapshot naming a file this run wrote named a file that was already
         * missing before the run, and removing it leaves that snapshot as it was.)
         */
        private List<String> removeWritten(RuntimeException cause) {
            if (written.isEmpty()) {
                return List.of();
            }
            List<String> left = new ArrayList<>();
            if (cause instanceof TaskTimeoutException) {
                written.forEach(w -> leftBehind(left, w, "a task of this VM may still be running and use it"));
                return left;
            }
            if (cause instanceof OperationInterruptedException || Thread.currentThread().isInterrupted()) {
                written.forEach(w -> leftBehind(left, w, "apply was interrupted"));
                return left;
            }
            Map<Integer, VmConfig> configs;
            try {
                List<VmSummary> vms = retrying(ChangeKind.UPLOAD, hypervisor::listVms);
                Optional<VmSummary> creating = vms.stream().filter(v -> vmid != null && v.vmid() == vmid
                        && ("create".equals(v.lock()) || "clone".equals(v.lock()))).findFirst();
                if (creating.isPresent()) {
                    written.forEach(w -> leftBehind(left, w, "VM " + vmid + " is still locked (" + creating.get().lock()
                            + ") and may use it"));
                    return left;
                }
                List<VmRef> refs = vms.stream().map(VmSummary::ref).toList();
                configs = retrying(ChangeKind.UPLOAD, () -> hypervisor.getConfigs(refs, USE_CHECK_PARALLELISM));
            } catch (RuntimeException e) {
                written.forEach(w -> leftBehind(left, w, "could not read which VMs use it: " + e.getMessage()));
                return left;
            }
            for (Written w : written) {
                Optional<Integer> user = configs.entrySet().stream()
                        .filter(c -> c.getValue().values().values().stream().anyMatch(v -> v.contains(w.filename())))
                        .map(Map.Entry::getKey).sorted().findFirst();
                if (user.isPresent()) {
                    leftBehind(left, w, "the config of VM " + user.get() + " names it");
                    continue;
                }
                try {
                    if (retrying(ChangeKind.UPLOAD, () -> absent(w))) {
                        continue; // its upload failed: nothing was written
                    }
                    call(ChangeKind.UPLOAD, () -> hypervisor.deleteVolume(w.node(), w.volid()), () -> absent(w));
                    emit(plan.name(), vmid, ApplyEvent.Type.CLEANED_UP, ChangeKind.UPLOAD, "removed " + w.volid() + " from node "
                            + w.node() + ": written for this VM, which was not created");
                } catch (RuntimeException e) {
                    leftBehind(left, w, "removing it failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            return left;
        }

        private boolean absent(Written w) {
            return hypervisor.listVolumes(w.node(), w.storage(), w.content()).stream().noneMatch(v -> v.volid().equals(w.volid()));
        }

        private void leftBehind(List<String> left, Written w, String why) {
            left.add(w.volid());
            emit(plan.name(), vmid, ApplyEvent.Type.LEFT_BEHIND, ChangeKind.UPLOAD, w.volid() + " on node " + w.node()
                    + " is left behind (" + why + ")");
        }

        /** Runs one step with the values it carries (Java 17: an instanceof chain over the sealed type). */
        private void step(Change c) {
            if (c instanceof Change.Power p) {
                power(p);
            } else if (c instanceof Change.Delete) {
                call(c.kind(), () -> hypervisor.destroy(ref, DestroyOptions.everything()), () -> hypervisor.findVm(ref.vmid()).isEmpty());
                ref = null;
            } else if (c instanceof Change.Create create) {
                create(create);
                converge(false);
            } else if (c instanceof Change.Clone clone) {
                cloneVm(clone);
                converge(false);
            } else if (c instanceof Change.UpdateConfig update) {
                update(update);
            } else if (c instanceof Change.GrowDisk g) {
                grow(g.disk(), g.toSize());
            } else if (c instanceof Change.ConvertToTemplate) {
                call(c.kind(), () -> hypervisor.convertToTemplate(ref), () -> hypervisor.getConfig(ref).isTemplate());
            } else if (c instanceof Change.Snapshot snap) {
                call(c.kind(), () -> hypervisor.createSnapshot(ref, snap.name(), "taken by Phoenix", false),
                        () -> hypervisor.listSnapshots(ref).stream().anyMatch(s -> s.name().equals(snap.name())));
            } else if (c instanceof Change.Upload u) {
                upload(u.file());
            } else if (c instanceof Change.AwaitGuest a) {
                awaitGuest(a.cloudInit());
            } else if (c instanceof Change.RunGuestStep r) {
                guest().run(ref, r.step());
            } else if (c instanceof Change.MarkProvisioned m) {
                markProvisioned(m.marker());
            } else {
                throw new IllegalStateException("unknown step " + c);
            }
        }

        private void power(Change.Power p) {
            switch (p.action()) {
                case START -> call(p.kind(), () -> hypervisor.start(ref), () -> state().map(s -> s == PowerState.RUNNING).orElse(false));
                case STOP -> call(p.kind(), () -> hypervisor.stop(ref), () -> state().map(s -> s == PowerState.STOPPED).orElse(false));
                case REBOOT -> call(p.kind(), () -> hypervisor.reboot(ref), () -> false);
                default -> throw new IllegalStateException("unknown power action " + p.action());
            }
        }

        private Optional<PowerState> state() {
            return hypervisor.findVm(ref.vmid()).map(VmSummary::state);
        }

        /** Writes a cloud-init file to the node the VM is going to, unless a volume of its name (its content) is there. */
        private void upload(Change.UploadFile u) {
            StorageContent content = StorageContent.fromWord(u.content()).orElseThrow();
            String node = ref != null ? ref.node() : plan.node();
            boolean there = retrying(ChangeKind.UPLOAD, () -> hypervisor.listVolumes(node, u.storage(), content))
                    .stream().anyMatch(v -> v.volid().equals(u.volid()));
            if (!there) {
                // none was there: if the VM is then not created, this file is this run's to remove
                written.add(new Written(node, u.storage(), content, u.filename(), u.volid()));
                call(ChangeKind.UPLOAD, () -> hypervisor.uploadFile(node, u.storage(), content, u.filename(), u.data()),
                        () -> hypervisor.listVolumes(node, u.storage(), content).stream().anyMatch(v -> v.volid().equals(u.volid())));
            }
        }

        /** Adds the provisioned marker to the VM's tags (replacing an older one), guarded by the digest just read. */
        private void markProvisioned(String marker) {
            for (int attempt = 1; ; attempt++) {
                VmConfig cfg = read();
                List<String> tags = new ArrayList<>();
                TagList.parse(cfg.values().getOrDefault("tags", "")).tags().stream()
                        .filter(t -> !t.startsWith(Planner.PROVISIONED_TAG_PREFIX)).forEach(tags::add);
                tags.add(marker);
                String value = new TagList(tags).normalized().format();
                try {
                    call(ChangeKind.MARK_PROVISIONED, () -> hypervisor.updateConfig(ref,
                            new ConfigUpdate(Map.of("tags", value), Set.of(), null).ifDigest(cfg.digest())), () -> false);
                    return;
                } catch (ConfigModifiedException e) {
                    if (attempt >= CONFIG_MODIFIED_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }

        private Guest guest() {
            return Guest.of(hypervisor, time, options.taskTimeout()).onWaiting((what, waited) ->
                    emit(plan.name(), vmid, ApplyEvent.Type.STILL_WAITING, ChangeKind.AWAIT_GUEST, "still waiting for " + what
                            + " on " + plan.name() + " (" + waited.toSeconds() + " s)", waited));
        }

        private void awaitGuest(boolean cloudInit) {
            Guest g = guest();
            g.awaitAgent(ref);
            String ip = g.awaitAddress(ref);
            stepNote = "guest agent answers; address " + ip;
            if (cloudInit) {
                g.awaitCloudInit(ref).ifPresent(w -> {
                    warnings.add(w);
                    emit(plan.name(), vmid, ApplyEvent.Type.WARNING, ChangeKind.AWAIT_GUEST, w);
                });
            }
        }

        // ---- create and clone -------------------------------------------------------------

        private void create(Change.Create step) {
            VmSpec spec = desired.spec();
            allocateAndRun(ChangeKind.CREATE, id -> {
                CreateRequest req = new CreateRequest(plan.node(), id, step.config(), spec.pool().orElse(null), false);
                return hypervisor.create(req);
            });
        }

        private void cloneVm(Change.Clone step) {
            VmSpec spec = desired.spec();
            Source.CloneTemplate src = step.source();
            VmSummary template = retrying(ChangeKind.CLONE, () -> hypervisor.findVm(src.templateVmid())).orElseThrow(() -> new NotFoundException(
                    "template VM " + src.templateVmid() + " does not exist", null, src.templateVmid()));
            allocateAndRun(ChangeKind.CLONE, id -> {
                CloneRequest req = new CloneRequest(id, spec.name(), plan.node().equals(template.node()) ? null : plan.node(),
                        src.full(), src.targetStorage(), src.snapshot(), spec.pool().orElse(null), Planner.cloneMarker(ownerTag));
                return hypervisor.clone(template.ref(), req);
            });
        }

        /** Runs create or clone with a VMID: the declared one, or allocated (and again while others are faster). */
        private void allocateAndRun(ChangeKind kind, java.util.function.IntFunction<Task> action) {
            Integer fixed = desired.spec().vmid().orElse(plan.action() == VmPlan.Action.REPLACE ? plan.vmid() : null);
            for (int attempt = 0; attempt < ALLOCATION_ATTEMPTS; attempt++) {
                int id = fixed != null ? fixed : allocator.next();
                vmid = id;
                ref = new VmRef(plan.node(), id);
                int[] issued = {0};
                try {
                    call(kind, () -> {
                        issued[0]++;
                        return action.apply(id);
                    }, () -> isOurs(id));
                    fresh = true;
                    return;
                } catch (AlreadyExistsException e) {
                    // a retry of a request that may have arrived before: the VM may be the one we asked for
                    if (issued[0] > 1 && oursQuietly(id)) {
                        fresh = true;
                        return;
                    }
                    if (fixed != null) {
                        throw e;
                    }
                    emit(plan.name(), id, ApplyEvent.Type.RETRY, kind, "VMID " + id + " was taken meanwhile; taking another");
                }
            }
            throw new AlreadyExistsException("gave up after " + ALLOCATION_ATTEMPTS + " VMIDs were taken by other creators",
                    plan.node(), null);
        }

        private boolean oursQuietly(int id) {
            try {
                return isOurs(id);
            } catch (AlreadyExistsException notOurs) {
                return false;
            }
        }

        /** After a transport failure: whether VM {@code id} exists and is the one this run asked for. */
        private boolean isOurs(int id) {
            Instant deadline = time.now().plus(options.lockWait());
            while (true) {
                Optional<VmSummary> v = hypervisor.findVm(id);
                if (v.isEmpty()) {
                    return false;
                }
                String lock = v.get().lock();
                if (!"create".equals(lock) && !"clone".equals(lock)) {
                    VmConfig cfg = hypervisor.getConfig(v.get().ref());
                    boolean ours = plan.name().equals(v.get().name()) && (v.get().tags().contains(ownerTag)
                            || Planner.cloneMarker(ownerTag).equals(cfg.values().get("description")));
                    if (!ours) {
                        throw new AlreadyExistsException("VM " + id + " exists but is not the one Phoenix asked for", v.get().node(), id);
                    }
                    return true;
                }
                if (!time.now().isBefore(deadline)) {
                    throw new LockedException("VM " + id + " is still locked (" + lock + ") after "
                            + options.lockWait().toSeconds() + " s", v.get().node(), id, lock);
                }
                pause(Duration.ofSeconds(2));
            }
        }

        // ---- config -----------------------------------------------------------------------

        private void update(Change.UpdateConfig c) {
            if (!fresh && plan.digest() != null) {
                Map<String, String> set = new TreeMap<>();
                Set<String> delete = new TreeSet<>();
                for (KeyChange k : c.keys()) {
                    if (k.isDelete()) {
                        delete.add(k.key());
                    } else {
                        set.put(k.key(), k.after());
                    }
                }
                try {
                    call(ChangeKind.UPDATE_CONFIG, () -> hypervisor.updateConfig(ref, new ConfigUpdate(set, delete, null)
                            .ifDigest(plan.digest())), () -> false);
                    return;
                } catch (ConfigModifiedException e) {
                    emit(plan.name(), vmid, ApplyEvent.Type.REPLANNED, ChangeKind.UPDATE_CONFIG,
                            "the config changed since planning; reading and comparing again");
                }
            }
            converge(!fresh);
        }

        /** Reads the VM, compares it with the spec and writes the difference (keys, then grows). */
        private void converge(boolean strict) {
            for (int attempt = 1; ; attempt++) {
                VmConfig cfg = read();
                boolean running = state().map(s -> s != PowerState.STOPPED).orElse(false);
                ConfigDiff.Result diff = ConfigDiff.compare(desired, cfg.values(), running);
                if (!diff.shrinks().isEmpty()) {
                    throw new PlanStaleException(plan.name() + ": " + String.join("; ", diff.shrinks()));
                }
                if (!diff.destructive().isEmpty()) {
                    if (strict) {
                        throw new PlanStaleException(plan.name() + ": the VM changed since planning and now needs destructive changes: "
                                + String.join("; ", diff.destructive()));
                    }
                    diff.destructive().forEach(d -> warn("not done (destructive): " + d));
                }
                if (diff.keys().isEmpty()) {
                    for (Change.GrowDisk g : diff.grows()) {
                        grow(g.disk(), g.toSize());
                    }
                    return;
                }
                Map<String, String> set = new TreeMap<>();
                Set<String> delete = new TreeSet<>();
                for (KeyChange k : diff.keys()) {
                    if (k.isDelete()) {
                        delete.add(k.key());
                    } else {
                        set.put(k.key(), k.after());
                    }
                }
                try {
                    call(ChangeKind.UPDATE_CONFIG, () -> hypervisor.updateConfig(ref, new ConfigUpdate(set, delete, null)
                            .ifDigest(cfg.digest())), () -> false);
                    for (Change.GrowDisk g : diff.grows()) {
                        grow(g.disk(), g.toSize());
                    }
                    return;
                } catch (ConfigModifiedException e) {
                    if (attempt >= CONFIG_MODIFIED_ATTEMPTS) {
                        throw e;
                    }
                    emit(plan.name(), vmid, ApplyEvent.Type.REPLANNED, ChangeKind.UPDATE_CONFIG, "config changed meanwhile; comparing again");
                }
            }
        }

        private VmConfig read() {
            return retrying(ChangeKind.UPDATE_CONFIG, () -> hypervisor.getConfig(ref));
        }

        private void grow(String disk, DiskSize size) {
            VmConfig cfg = read();
            String value = cfg.values().get(disk);
            if (value == null) {
                throw new NotFoundException("disk '" + disk + "' does not exist on VM " + ref.vmid(), ref.node(), ref.vmid());
            }
            Optional<DiskSize> current = DriveConfig.parse(value).size();
            if (current.isPresent() && current.get().compareTo(size) >= 0) {
                if (current.get().compareTo(size) > 0) {
                    warn(disk + " is " + current.get() + ", larger than the declared " + size + "; left as is");
                }
                return;
            }
            call(ChangeKind.GROW_DISK, () -> hypervisor.resizeDisk(ref, disk, size), () -> {
                Optional<DiskSize> now = DriveConfig.parse(hypervisor.getConfig(ref).values().get(disk)).size();
                return now.isPresent() && now.get().compareTo(size) >= 0;
            });
        }

        // ---- retries ----------------------------------------------------------------------

        /** Runs a task-returning primitive and waits for its task, retrying locks and transport failures. */
        private void call(ChangeKind kind, Supplier<Task> action, BooleanSupplier alreadyDone) {
            Duration pause = options.firstBackoff();
            for (int attempt = 0; ; attempt++) {
                try {
                    TaskResult r = action.get().await(options.taskTimeout());
                    if (r.hasWarnings()) {
                        warn(kind.words() + ": task ended with " + r.warnings() + " warning(s): " + String.join(" | ", r.warningLines()));
                    }
                    return;
                } catch (LockedException e) {
                    retryOrThrow(kind, attempt, pause, e);
                } catch (TaskFailedException e) {
                    if (!isLockFailure(e)) {
                        throw e;
                    }
                    retryOrThrow(kind, attempt, pause, e);
                } catch (TransportException e) {
                    retryOrThrow(kind, attempt, pause, e);
                    if (e.requestSent() && checked(alreadyDone)) {
                        return;
                    }
                    pause = next(pause);
                    continue;
                }
                pause = next(pause);
            }
        }

        /** Runs a read, retrying transport failures and locks. */
        private <T> T retrying(ChangeKind kind, Supplier<T> read) {
            Duration pause = options.firstBackoff();
            for (int attempt = 0; ; attempt++) {
                try {
                    return read.get();
                } catch (LockedException | TransportException e) {
                    retryOrThrow(kind, attempt, pause, e);
                }
                pause = next(pause);
            }
        }

        private boolean checked(BooleanSupplier alreadyDone) {
            try {
                return alreadyDone.getAsBoolean();
            } catch (TransportException | LockedException e) {
                return false;
            }
        }

        private void retryOrThrow(ChangeKind kind, int attempt, Duration pause, RuntimeException e) {
            if (attempt >= options.retries()) {
                throw e;
            }
            emit(plan.name(), vmid, ApplyEvent.Type.RETRY, kind, e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "; again in " + pause.toMillis() + " ms");
            pause(pause);
        }

        private Duration next(Duration pause) {
            Duration d = pause.multipliedBy(2);
            return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
        }

        private void pause(Duration d) {
            try {
                time.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("interrupted while waiting to retry", e);
            }
        }

        private void warn(String text) {
            warnings.add(text);
            emit(plan.name(), vmid, ApplyEvent.Type.WARNING, null, text);
        }
    }

    /** A file a run wrote where there was none: on which node, and its volume id. */
    private record Written(String node, String storage, StorageContent content, String filename, String volid) {
    }

    /** A task that died on a VM or storage lock, as {@link ProxmoxErrorText}, the one classifier, reads its exit status. */
    static boolean isLockFailure(TaskFailedException e) {
        return e.exitStatus() != null
                && ProxmoxErrorText.classify(e.exitStatus(), null, null).filter(LockedException.class::isInstance).isPresent();
    }

}
