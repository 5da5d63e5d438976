package ai.thinkheads.phoenix.testkit.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A random starting cluster and two random sets of definitions over one pool of names: {@code before}
 * (applied first, the managed state the cluster starts in) and {@code after} (the one under test).
 * Every set holds the template {@code tmpl} (VMID 9000) that clones use.
 */
record Scenario(int nodes, List<Stranger> strangers, List<Shape> before, List<Shape> after, boolean allowDestructive,
                boolean prune) {

    static final List<String> NAMES = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
    static final int TEMPLATE_VMID = 9000;
    static final String IMAGE = "local:import/img.qcow2";

    /** A VM Phoenix does not own. */
    record Stranger(String name, int node, boolean running) {
    }

    enum Kind { EMPTY, IMPORT, CLONE }

    /** One definition's shape. */
    record Shape(String name, Kind kind, int memory, int cores, int sockets, int diskGiB, String storage, boolean extraDisk,
                 int nics, boolean cloudInit, List<String> tags, boolean start, boolean onboot, boolean agent) {

        VmDefinition definition() {
            VmSpec.Builder b = VmSpec.builder(name).memory(memory).cores(cores).sockets(sockets);
            switch (kind) {
                case EMPTY -> b.disk(Disk.scsi(0, storage, DiskSize.ofGiB(diskGiB)).withDiscard(diskGiB % 2 == 0));
                case IMPORT -> b.source(Source.importImage(IMAGE))
                        .disk(Disk.scsi(0, storage, diskGiB < 2 ? null : DiskSize.ofGiB(diskGiB)));
                case CLONE -> b.source(Source.linkedClone(TEMPLATE_VMID)).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(Math.max(2, diskGiB))));
                default -> throw new IllegalStateException();
            }
            if (extraDisk) {
                b.disk(Disk.virtio(1, storage, DiskSize.ofGiB(1)));
            }
            for (int i = 0; i < nics; i++) {
                Nic n = Nic.virtio(i, "vmbr0");
                b.nic(i == 1 ? n.withVlan(20).withFirewall(true) : n);
            }
            if (cloudInit) {
                CloudInit.Builder ci = CloudInit.builder("local-lvm").user("ubuntu");
                if (nics > 0) {
                    ci.ipconfig(0, IpConfig.dhcp());
                }
                b.cloudInit(ci.build());
            }
            if (agent) {
                b.agent(true);
            }
            return VmDefinition.of(b.tags(tags.toArray(String[]::new)).start(start).onboot(onboot).build());
        }
    }

    static VmDefinition template() {
        return VmDefinition.of(VmSpec.builder("tmpl").vmid(TEMPLATE_VMID).memory(512)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(2))).nic(Nic.virtio(0, "vmbr0")).agent(true).template(true).build());
    }

    List<VmDefinition> beforeDefinitions() {
        return definitions(before);
    }

    List<VmDefinition> afterDefinitions() {
        return definitions(after);
    }

    private static List<VmDefinition> definitions(List<Shape> shapes) {
        List<VmDefinition> out = new ArrayList<>();
        out.add(template());
        shapes.forEach(s -> out.add(s.definition()));
        return out;
    }

    PlanOptions planOptions() {
        return PlanOptions.builder().allowDestructiveForAll(allowDestructive).pruneOwned(prune).build();
    }

    /** The cluster before anything is applied: nodes, the import image on every node, the strangers, a stopped drain VM. */
    FakeHypervisor cluster() {
        FakeHypervisor hv = FakeHypervisor.clusterBuilder(nodes).build();
        for (int n = 1; n <= nodes; n++) {
            hv.cluster().addVolume("pve" + n, "local", "import/img.qcow2", 1L << 30);
        }
        int vmid = 100;
        for (Stranger s : strangers) {
            String node = "pve" + (1 + s.node() % nodes);
            hv.cluster().createVm(node, vmid, Map.of("name", s.name(), "memory", "512", "tags", "theirs",
                    "scsi0", "local-lvm:1", "net0", "virtio,bridge=vmbr0"));
            hv.time().advance(Duration.ofMinutes(1));
            if (s.running()) {
                hv.cluster().vmStart(node, vmid);
                hv.time().advance(Duration.ofMinutes(1));
            }
            vmid++;
        }
        hv.cluster().createVm("pve1", 990, Map.of("name", "drain", "memory", "256"));
        hv.time().advance(Duration.ofMinutes(1));
        return hv;
    }

    /** VMID → name, node, state and config digest: everything a change would show in. */
    static Map<Integer, String> snapshot(Hypervisor hv) {
        Map<Integer, String> out = new TreeMap<>();
        for (VmSummary v : hv.listVms()) {
            VmConfig c = hv.getConfig(v.ref());
            out.put(v.vmid(), v.name() + "@" + v.node() + " " + v.state() + " " + c.digest());
        }
        return out;
    }

    static Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> nodes = Arbitraries.integers().between(1, 3);
        Arbitrary<Stranger> stranger = Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(NAMES)),
                        net.jqwik.api.Tuple.of(7, Arbitraries.of("legacy", "build", "nas", "jump", "gitlab"))),
                Arbitraries.integers().between(0, 2), Arbitraries.of(true, false)).as(Stranger::new);
        Arbitrary<List<Stranger>> strangers = stranger.list().ofMaxSize(4)
                .uniqueElements(Stranger::name);
        return Combinators.combine(nodes, strangers, shapes(), shapes(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(Scenario::new);
    }

    static Arbitrary<List<Shape>> shapes() {
        return Arbitraries.of(NAMES).set().ofMaxSize(4).flatMap(names -> {
            List<Arbitrary<Shape>> each = names.stream().sorted().map(Scenario::shape).toList();
            return Combinators.combine(each).as(list -> list);
        });
    }

    static Arbitrary<Shape> shape(String name) {
        Arbitrary<Kind> kind = Arbitraries.of(Kind.class);
        Arbitrary<Integer> memory = Arbitraries.of(512, 1024, 2048, 4096);
        Arbitrary<Integer> cores = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> sockets = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> disk = Arbitraries.integers().between(1, 8);
        Arbitrary<String> storage = Arbitraries.of("local-lvm", "ceph");
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<Integer> nics = Arbitraries.integers().between(0, 2);
        Arbitrary<List<String>> tags = Arbitraries.of("web", "db", "Prod", "blue").list().ofMaxSize(2).uniqueElements();
        return Combinators.combine(kind, memory, cores, sockets, disk, storage, flag, nics).flatAs(
                (k, m, c, s, d, st, extra, n) -> Combinators.combine(flag, tags, flag, flag, flag).as(
                        (ci, t, start, onboot, agent) -> new Shape(name, k, m, c, s, d, st, extra, n, ci, t, start, onboot, agent)));
    }
}
