package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Valid {@link VmDefinition}s from a {@link Random}: every part of {@link VmSpec} (sources, disks on
 * every bus with their options, NICs, cloud-init, agent, boot order, startup, tags, PCI, raw
 * options) and of the definition around it. phoenix-testkit has richer arbitraries, but core tests
 * cannot depend on the testkit (it depends on core).
 */
final class RandomDefinitions {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFfRa0gYQx0c9xZ0ijuFhTq2bU0mE9d1rWm0qg1hEwzC";
    private static final String HASH = "$6$saltsalt$8Yk7m1dJ0pC9tQxk0M3qk1V0cU0sG1i2wWl7oE5Z3sS3lq1t5yGx9lQ1Q0c2QJ3oYQ8u4ZtH9rV2nP7mL6kJ0.";
    private static final List<String> DESCRIPTIONS = List.of("web front end", "Zeile 1\nZeile 2 — ünïcødé ✓",
            "quotes \" and \\ backslash", "{\"json\": \"looking\"}", "");

    private final Random random;

    RandomDefinitions(Random random) {
        this.random = random;
    }

    private boolean coin() {
        return random.nextBoolean();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    String name() {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder().append((char) ('a' + random.nextInt(26)));
        int len = random.nextInt(10);
        for (int i = 0; i < len; i++) {
            sb.append(letters.charAt(random.nextInt(letters.length())));
        }
        return sb.toString();
    }

    VmSpec spec(String name) {
        VmSpec.Builder b = VmSpec.builder(name);
        if (coin()) {
            b.vmid(between(100, 999_999));
        }
        if (random.nextInt(4) == 0) {
            b.node(pick(List.of("pve1", "pve-02", "node.example.com")));
        }
        int kind = random.nextInt(3);
        Source source = kind == 0 ? Source.emptyDisks()
                : kind == 1 ? Source.importImage(pick(List.of("/var/lib/vz/template/iso/noble.img", "local:iso/noble.img")))
                : cloneSource();
        b.source(source);
        b.sockets(between(1, 2)).cores(between(1, 16)).memory(between(16, 65536));
        if (coin()) {
            b.cpu(pick(List.of("host", "kvm64", "x86-64-v2-AES")));
        }
        String scsihw = pick(List.of("virtio-scsi-single", "virtio-scsi-pci", "lsi"));
        b.scsihw(scsihw);
        List<String> devices = new ArrayList<>();
        int disks = (source instanceof Source.ImportImage ? 1 : 0) + random.nextInt(3);
        Set<String> slots = new LinkedHashSet<>();
        for (int i = 0; i < disks; i++) {
            DriveBus bus = pick(List.of(DriveBus.SCSI, DriveBus.VIRTIO, DriveBus.SATA));
            int index = random.nextInt(Math.min(bus.maxIndex(), 5) + 1);
            if (!slots.add(bus.key(index))) {
                continue;
            }
            boolean importTarget = source instanceof Source.ImportImage && slots.size() == 1;
            DiskSize size = importTarget && coin() ? null : DiskSize.ofGiB(between(1, 2048));
            Disk d = Disk.on(bus, index, pick(List.of("local-lvm", "ceph-pool", "quickOS-vm-disks")), size);
            if (coin()) {
                d = d.withDiscard(coin());
            }
            if (bus != DriveBus.VIRTIO && coin()) {
                d = d.withSsd(coin());
            }
            if ((bus == DriveBus.VIRTIO || bus == DriveBus.SCSI && scsihw.equals("virtio-scsi-single")) && coin()) {
                d = d.withIothread(coin());
            }
            if (coin()) {
                d = d.withCache(pick(List.of("none", "writeback", "directsync")));
            }
            if (coin()) {
                d = d.withOption("backup", coin() ? "1" : "0");
            }
            b.disk(d);
            devices.add(d.key());
        }
        int nics = random.nextInt(3);
        List<Integer> nicIndexes = new ArrayList<>();
        for (int i = 0; i < nics; i++) {
            int index = i * 2 + random.nextInt(2);
            String model = pick(List.of("virtio", "e1000", "vmxnet3"));
            Nic n = Nic.of(index, model, pick(List.of("vmbr0", "vmbr1", "vnet_lab")));
            if (coin()) {
                n = n.withVlan(between(1, 4094));
            }
            if (coin()) {
                n = n.withMac(String.format("BC:24:11:%02X:%02X:%02X", random.nextInt(256), random.nextInt(256), index));
            }
            if (coin()) {
                n = n.withFirewall(coin());
            }
            if (model.equals("virtio") && coin()) {
                n = n.withMtu(pick(List.of(1, 1500, 9000)));
            }
            if (coin()) {
                n = n.withRate(pick(List.of(0.5, 12.5, 100.0, 1000.25)));
            }
            if (coin()) {
                n = n.withQueues(between(0, 64));
            }
            b.nic(n);
            nicIndexes.add(index);
            devices.add(n.key());
        }
        if (coin()) {
            CloudInit.Builder ci = CloudInit.builder(pick(List.of("local-lvm", "local-zfs")));
            if (coin()) {
                ci.slot(pick(List.of(DriveBus.IDE, DriveBus.SATA)), random.nextInt(4) == 0 ? 0 : 3);
            }
            if (coin()) {
                ci.user(pick(List.of("ubuntu", "ops_user", "a-b")));
            }
            if (coin()) {
                ci.sshKey(KEY + " me@laptop");
            }
            if (coin()) {
                ci.passwordHash(HASH);
            }
            for (int index : nicIndexes) {
                if (coin()) {
                    ci.ipconfig(index, coin() ? IpConfig.dhcp() : random.nextInt(3) == 0
                            ? IpConfig.staticV4("10.0." + index + ".5/24", null).withIpv6(pick(List.of("auto", "dhcp")), null)
                            : IpConfig.staticV4("10.0." + index + ".5/24", "10.0." + index + ".1")
                                    .withIpv6("fd00::" + (index + 5) + "/64", coin() ? null : "fd00::1"));
                }
            }
            if (coin()) {
                ci.nameservers("10.0.0.1", "2001:4860:4860::8888");
            }
            if (coin()) {
                ci.searchDomain("lab.example.com");
            }
            if (coin()) {
                ci.userData("#cloud-config\npackages:\n  - htop\n").snippetStorage("local");
            }
            CloudInit built = ci.build();
            if (!slots.contains(built.slot())) {
                b.cloudInit(built);
                devices.add(built.slot());
            }
        }
        int agent = random.nextInt(4);
        if (agent == 1) {
            b.agent(coin());
        } else if (agent == 2) {
            b.agent(new AgentConfig(true, coin()));
        }
        if (coin() && !devices.isEmpty()) {
            List<String> order = new ArrayList<>(devices);
            java.util.Collections.shuffle(order, random);
            b.bootOrder(order.subList(0, between(1, order.size())).toArray(String[]::new));
        }
        boolean template = random.nextInt(4) == 0;
        b.template(template);
        if (!template) {
            b.onboot(coin()).start(coin());
        }
        if (coin()) {
            b.startup(coin() ? between(0, 10) : null, coin() ? between(0, 300) : null, between(0, 60));
        }
        if (coin()) {
            b.tags(pick(List.of(new String[] {"web"}, new String[] {"prod", "db_1"}, new String[] {"a.b+c"})));
        }
        if (coin()) {
            b.pool(pick(List.of("lab", "prod/web")));
        }
        if (coin()) {
            String d = pick(DESCRIPTIONS);
            if (!d.isEmpty()) {
                b.description(d);
            }
        }
        if (random.nextInt(4) == 0) {
            b.pci(coin() ? PciPassthrough.host(0, "0000:01:00.0").withPcie(true).withXVga(coin())
                    : PciPassthrough.mapping(1, "gpu").withRombar(false));
        }
        if (coin()) {
            b.option("ostype", "l26");
        }
        if (coin()) {
            b.option("vga", pick(List.of("qxl", "serial0", "std,memory=32")));
        }
        if (coin()) {
            b.balloon(0);
        }
        return b.build();
    }

    private Source.CloneTemplate cloneSource() {
        Source.CloneTemplate c = new Source.CloneTemplate(between(100, 99_999), coin(), null, null);
        if (coin()) {
            c = c.fromSnapshot(pick(List.of("base", "clean_state")));
        }
        if (c.full() && coin()) {
            c = c.toStorage("local-lvm");
        }
        return c;
    }

    VmDefinition definition(String name, List<String> earlierNames) {
        VmSpec spec = spec(name);
        List<String> dependsOn = new ArrayList<>();
        for (String other : earlierNames) {
            if (random.nextInt(3) == 0) {
                dependsOn.add(other);
            }
        }
        List<Feature> features = new ArrayList<>();
        for (String f : List.of("base_setup", "docker", "nvidia")) {
            if (coin()) {
                features.add(coin() ? Feature.named(f) : new Feature(f, Map.of("version", "\"24.0\"",
                        "settings", "{\"gpus\":[0,1],\"enabled\":true,\"ratio\":0.5}", "nothing", "null")));
            }
        }
        SnapshotPolicy snapshots = new SnapshotPolicy(coin() ? "pre_features" : null, coin() ? "post-features" : null,
                spec.template() && coin() ? "initial_clean_state" : null);
        Map<String, String> extras = new TreeMap<>();
        if (coin()) {
            extras.put("volumes", "[{\"type\":\"nfs\",\"name\":\"data\",\"path\":\"/export/a\",\"mount_point\":\"/data\",\"server\":\"10.0.0.13\"}]");
        }
        if (coin()) {
            extras.put("firewall", "{\"enabled\":true,\"rules\":[]}");
        }
        Map<String, String> ignored = new TreeMap<>();
        if (coin()) {
            ignored.put("$.vms[3].traefik_service", "{\"name\":\"portainer\",\"port\":9443}");
            ignored.put("$.vms[3]['odd key']", "[1,2.5,\"x\",false]");
        }
        return new VmDefinition(spec, dependsOn, features, snapshots, ignored, extras);
    }

    DefinitionSet set() {
        List<VmDefinition> vms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int n = between(1, 4);
        while (vms.size() < n) {
            String name = name();
            if (names.contains(name)) {
                continue;
            }
            VmDefinition d = definition(name, names);
            if (d.spec().vmid().isPresent()
                    && vms.stream().anyMatch(v -> v.spec().vmid().equals(d.spec().vmid()))) {
                continue;
            }
            vms.add(d);
            names.add(name);
        }
        return new DefinitionSet(vms, coin() ? Map.of("$.vm_defaults.template", "\"ubuntu-24.04-standard\"") : Map.of());
    }
}
